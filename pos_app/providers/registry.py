"""The payment providers this app knows, and what each one's folder must supply.

Core and the window never compare provider names: they ask the registry.  A provider is a
folder under ``pos_app/providers/`` whose ``plugin`` module has a ``PLUGIN`` (a
:class:`ProviderPlugin`): its settings, how to build its adapter, its secrets, its callback
check, its sandbox and its settings box.  Adding a provider is that folder plus one line in
:data:`PLUGINS` (``tests/fourth_provider`` shows it).

Plugins import their heavy parts (HTTP clients, Qt, the sandbox) only when asked for them,
so reading the configuration before the window shows stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from msgspec import Struct, field

from pos_app.providers.settings import ProviderSettings, Section

if TYPE_CHECKING:
    import httpx

    from pos_app.i18n import Message
    from pos_app.providers.base import Provider
    from pos_app.sandbox.provider import ProviderSandbox
    from pos_app.ui.settings_box import ProviderBox

# In the order the window offers them and the configuration file lists them.
PLUGINS: tuple[str, ...] = (
    "pos_app.providers.koshelek.plugin",
    "pos_app.providers.paymega.plugin",
    "pos_app.providers.pegas.plugin",
)

S = TypeVar("S", bound=ProviderSettings)
Secret = Callable[[str], "str | None"]  # one of this provider's secrets by name


class BuildContext(Struct, frozen=True):
    """What building an adapter needs besides the provider's own settings."""

    terminal_id: str
    store_id: str
    currency: str  # the terminal's (ISO 4217)
    live: bool  # live: TLS required for remote addresses (see providers.http.build_client)
    secret: Secret
    transport: httpx.AsyncBaseTransport | None = None  # tests: an in-process sandbox
    # Training mode: the sandboxes' control routes (Koshelek's token bridge is played there).
    control: httpx.AsyncClient | None = None


class CallbackCheck(Struct, frozen=True):
    """How the callback listener accepts one provider's notification.

    ``authentic(headers, body)``: the sender proved it knows the secret (a notification
    never changes a payment by itself; it only makes the register ask at once).
    ``reference(body)``: the provider's payment reference, or None."""

    authentic: Callable[[Mapping[str, str], bytes], bool]
    reference: Callable[[bytes], str | None]
    refusal_status: int = 403
    refusal_headers: Mapping[str, str] = field(default_factory=dict)


class PayOption(Struct, frozen=True):
    """One of a provider's own options of ``pos-app pay`` (``--flag VALUE``), passed to its
    adapter as ``options[key]``.  Flags are unique across providers."""

    flag: str
    key: str
    help: str


class ProviderPlugin(Protocol[S]):
    """One provider's folder, as the rest of the app sees it."""

    name: str  # the configuration's section, the journal's ``provider`` column
    title: str  # its brand, as the window shows it
    settings_type: type[S]
    secrets: tuple[str, ...]  # keyring names ("login", "token"…) the adapter may use
    listener_secrets: tuple[str, ...]  # only for the optional callback listener
    pay_options: tuple[PayOption, ...]  # its own options of ``pos-app pay``
    # Its ways to pay (the journal's ``method``: a payment type, a deposit type) as people
    # read them; a code missing here is shown as it is.
    methods: Mapping[str, Message]

    def read_settings(self, section: Section, currency: str) -> S:
        """Its ``[providers.<name>]`` table; problems are recorded in ``section``."""

    def needed_secrets(self, settings: S) -> tuple[str, ...]:
        """The secrets live mode must have with these settings (enabled)."""

    def live_problems(self, settings: S) -> list[Message]:
        """What live mode needs beyond a well-formed table (the URLs are checked for all)."""

    def build(self, settings: S, context: BuildContext) -> Provider:
        """The adapter.  Raises InsecureURL when live and the address is not TLS."""

    def for_training(self, settings: S, credentials: Mapping[str, str]) -> S:
        """These settings, enabled and pointed at its sandbox (``credentials``: what the
        sandbox's :meth:`ProviderSandbox.credentials` said)."""

    def callback(self, secret: Secret) -> CallbackCheck:
        """The check of its notifications, with the secrets this register holds."""

    def sandbox(self) -> ProviderSandbox:
        """A fresh training sandbox that follows its spec (imports the server stack)."""

    def settings_box(self) -> type[ProviderBox]:
        """The Settings screen's box for it (imports Qt)."""


def plugins() -> tuple[ProviderPlugin[Any], ...]:
    """Every known provider, in :data:`PLUGINS` order."""
    return tuple(importlib.import_module(path).PLUGIN for path in PLUGINS)


def plugin(name: str) -> ProviderPlugin[Any]:
    """Raises KeyError for a name no plugin has."""
    for each in plugins():
        if each.name == name:
            return each
    raise KeyError(name)


def names() -> tuple[str, ...]:
    return tuple(each.name for each in plugins())


def method_label(provider: str, method: str) -> str:
    """``method`` of ``provider`` in the reader's language (X/Z reports, receipts, CSV)."""
    try:
        label = plugin(provider).methods.get(method)
    except KeyError:  # a provider this version does not know
        label = None
    return label.render() if label is not None else method


def title_of(provider: str) -> str:
    """A provider's brand, also when it is not enabled on this terminal (a report of a shift
    it took payments in said "pegas")."""
    try:
        return plugin(provider).title
    except KeyError:
        return provider
