"""Translatable messages that any layer can create without importing Qt.

Core, providers and the CLI describe problems as :class:`Message` objects: a Qt
translation context, an English source text with ``{named}`` placeholders, and
the values.  The UI (and the CLI, when Qt translations are loaded) installs a
translator with :func:`set_translator`; until then messages render in English.
``pos_app.ui.translations`` finds the texts because every one is written as a
``Message("Context", "text")``, ``msg("Context", "text")``, ``tr("Context", "text")``
or ``trn("Context", "%n thing(s)", n)`` (a count: Qt's plural forms) call with literal
strings (or a module-level constant for the context).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct, field

Translator = Callable[[str, str, int], str]  # (context, text, n: a count, else -1)


def _identity(context: str, text: str, n: int = -1) -> str:
    return text.replace("%n", str(n)) if n >= 0 else text


_translator: Translator = _identity


def set_translator(translator: Translator | None) -> None:
    """Install the function that turns (context, source text) into the user's language."""
    global _translator
    _translator = translator or _identity


def translate(context: str, text: str, n: int = -1) -> str:
    return _translator(context, text, n)


def trn(context: str, text: str, n: int, /, **params: Any) -> str:
    """A UI string whose words follow the count ``n`` (``%n`` in ``text``): Russian's three
    plural forms from the translation (Qt's numerus forms), English's two from "(s)" in the
    source ("%n difference(s)": "1 difference", "5 differences")."""
    template = translate(context, text, n)
    if template == _identity(context, text, n):  # not translated: the English source
        template = template.replace("(s)", "" if n == 1 else "s")
    try:
        return template.format(**params) if params else template
    except (KeyError, IndexError, ValueError):
        return text.replace("%n", str(n)).format(**params)


def tr(context: str, text: str, /, **params: Any) -> str:
    """A UI string in the user's language, with ``{named}`` values filled in."""
    template = translate(context, text)
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return text.format(**params)


_NESTED = "$message"  # marks a message inside another's values in JSON


class Message(Struct, frozen=True):
    """A sentence for a person, translated when it is shown, not when it is created."""

    context: str
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def with_params(self, **params: Any) -> Message:
        return Message(self.context, self.text, {**self.params, **params})

    def render(self) -> str:
        template = translate(self.context, self.text)
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never hide the message itself.
            return self.text.format(**self.params)

    def english(self) -> str:
        """The sentence in English (logs, the head office), nested messages too."""
        return self.text.format(**{k: v.english() if isinstance(v, Message) else v
                                   for k, v in self.params.items()})

    def to_json(self) -> dict[str, Any]:
        """A value may itself be a message (translated with the sentence around it)."""
        params = {k: {_NESTED: v.to_json()} if isinstance(v, Message) else v
                  for k, v in self.params.items()}
        return {"context": self.context, "text": self.text, "params": params}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        params = {k: cls.from_json(v[_NESTED]) if isinstance(v, dict) and _NESTED in v else v
                  for k, v in (data.get("params") or {}).items()}
        return cls(str(data["context"]), str(data["text"]), params)

    def __str__(self) -> str:
        return self.render()


def msg(context: str, text: str, /, **params: Any) -> Message:
    """Shorthand for ``Message(context, text, params)``."""
    return Message(context, text, params)


class UserError(Exception):
    """An error whose message is meant for the cashier or the manager, not a traceback."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.english())
        self.message = message

    def __str__(self) -> str:
        return self.message.render()
