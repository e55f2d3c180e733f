"""Terminal configuration: a TOML file per machine, validated on load.

Every problem is reported with the dotted key it concerns.  A file that cannot
be read is never overwritten silently: :func:`save_config` keeps a copy of it
first.  Secrets are never part of this file (see :mod:`pos_app.core.secrets`).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from msgspec import Struct, field
from msgspec.structs import asdict, replace

from pos_app.core.money import AmountError, parse_decimal, to_minor
from pos_app.core.paths import data_dir, on_network_share
from pos_app.i18n import Message, UserError, msg
from pos_app.providers.errors import InsecureURL
from pos_app.providers.registry import plugin, plugins
from pos_app.providers.settings import ProviderSettings
from pos_app.providers.urls import check_url

C = "Config"
log = logging.getLogger(__name__)
TRAINING_TERMINAL = "TRAINING-01"  # training mode's terminal id when none is configured
T = TypeVar("T")
S = TypeVar("S", bound=ProviderSettings)


class ConfigError(UserError):
    """The configuration cannot be used; ``problems`` lists every reason."""

    def __init__(self, path: Path | None, problems: list[Message]) -> None:
        self.path = path
        self.problems = problems
        where = str(path) if path else "configuration"
        lines = "\n".join(f"  • {p.english()}" for p in problems)
        heading = (msg(C, "The configuration {path} has problems:\n{problems}", path=where,
                       problems=_ProblemList(problems)) if path else
                   msg(C, "The configuration has problems:\n{problems}",
                       problems=_ProblemList(problems)))
        super().__init__(heading)
        self.args = (f"{where}:\n{lines}",)


class ConfigMissing(ConfigError):
    def __init__(self, path: Path) -> None:
        super().__init__(path, [msg(C, "the file does not exist")])
        self.message = msg(C, "There is no terminal configuration at {path}.", path=str(path))


class _ProblemList:
    """Renders the problem list in the user's language when the message is shown."""

    def __init__(self, problems: list[Message]) -> None:
        self._problems = problems

    def __str__(self) -> str:
        return "\n".join(f"  • {p.render()}" for p in self._problems)


class UiSettings(Struct, frozen=True):
    """The cashier window (UI state such as window geometry lives in QSettings instead)."""

    kiosk: bool = False
    customer_display: bool = False
    catalog_file: str = ""
    printer: str = ""  # empty: the system's default printer
    paper_width_mm: int = 80  # 58 or 80


class ScannerSettings(Struct, frozen=True):
    """How a barcode scanner (a keyboard "wedge") is told from a person typing (issue 20).
    The usual scanner: keys under ``key_interval_ms`` apart, Enter at the end.  One stall of
    up to ``stall_ms`` inside a burst (a busy USB hub, the window system) does not split it.
    ``prefix``/``suffix``: what the scanner is programmed to send around a code (stripped);
    with a prefix, a code is a scan however slowly it arrives (a remote desktop)."""

    key_interval_ms: int = 40
    stall_ms: int = 150
    min_length: int = 6
    prefix: str = ""
    suffix: str = ""


class CallbackSettings(Struct, frozen=True):
    """The optional local endpoint for provider notifications (off by default)."""

    enabled: bool = False
    host: str = "127.0.0.1"  # a back-office relay on this machine; 0.0.0.0 to listen on the LAN
    port: int = 8765
    max_body_bytes: int = 65536


class HeadOfficeSettings(Struct, frozen=True):
    """Where this register ships its journal (issue 19; off when ``url`` is empty).  The
    terminal's credential is a secret (``headoffice.credential``), never in this file."""

    url: str = ""  # https://…; plain http only to this machine
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    check_releases_every_s: float = 300.0  # how often newer releases are asked for


class TerminalConfig(Struct, frozen=True):
    store_id: str = ""
    terminal_id: str = ""
    store_name: str = ""
    store_address: str = ""
    currency: str = "RUB"
    language: str = ""
    journal_dir: str = ""
    ui: UiSettings = field(default_factory=UiSettings)
    callbacks: CallbackSettings = field(default_factory=CallbackSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    head_office: HeadOfficeSettings = field(default_factory=HeadOfficeSettings)
    # Each provider's settings by its name, in the registry's order (read-only).
    providers: Mapping[str, ProviderSettings] = field(default_factory=lambda: {
        each.name: each.settings_type() for each in plugins()})

    def settings(self, kind: type[S]) -> S:
        """One provider's settings, by its settings class (each provider's folder has one)."""
        found = self.providers[kind.provider]
        if not isinstance(found, kind):
            raise TypeError(f"{kind.provider} has {type(found).__name__}, not {kind.__name__}")
        return found

    def with_provider(self, settings: ProviderSettings) -> TerminalConfig:
        """This configuration with one provider's settings replaced."""
        return replace(self, providers={**self.providers, settings.provider: settings})

    def enabled(self) -> dict[str, ProviderSettings]:
        return {name: s for name, s in self.providers.items() if s.enabled}


# -- reading -----------------------------------------------------------------------------


class _Table:
    """Typed access to one TOML table that records every problem under its dotted key."""

    def __init__(self, data: Mapping[str, Any], prefix: str, problems: list[Message]) -> None:
        self._data = data
        self._prefix = prefix
        self._problems = problems
        self._used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self._prefix}{name}"

    def problem(self, name: str, problem: Message) -> None:
        """``problem`` under this setting's dotted key (both read in the reader's language)."""
        self._problems.append(msg(C, "{key}: {problem}", key=self.key(name), problem=problem))

    def _get(self, name: str, default: T, kind: type | tuple[type, ...],
             expected: Message) -> Any:
        self._used.add(name)
        if name not in self._data:
            return default
        value = self._data[name]
        if isinstance(value, bool) and kind is not bool:
            self.problem(name, msg(C, "expected {expected}, got {value!r}", expected=expected,
                                   value=value))
            return default
        if not isinstance(value, kind):
            self.problem(name, msg(C, "expected {expected}, got {value!r}", expected=expected,
                                   value=value))
            return default
        return value

    def text(self, name: str, default: str = "", *, max_len: int = 1024,
            pattern: str | None = None, choices: Iterable[str] | None = None,
            allowed: Message | None = None) -> str:
        """``allowed``: what ``pattern`` lets through, said to the person who typed more."""
        value: str = self._get(name, default, str, msg(C, "text"))
        if len(value) > max_len:
            self.problem(name, msg(C, "is longer than {n} characters", n=max_len))
        elif pattern and value and not re.fullmatch(pattern, value):
            self.problem(name, msg(C, "{value!r} has characters that are not allowed",
                                   value=value) if allowed is None else allowed)
        elif choices is not None and value not in set(choices):
            self.problem(name, msg(C, "{value!r} is not one of {choices}", value=value,
                                   choices=", ".join(sorted(choices))))
        return value

    def whole(self, name: str, default: int, *, lo: int, hi: int) -> int:
        value: int = self._get(name, default, int, msg(C, "a whole number"))
        if not lo <= value <= hi:
            self.problem(name, msg(C, "{value} is outside {lo}…{hi}", value=value, lo=lo,
                                   hi=hi))
            return default
        return value

    def number(self, name: str, default: float, *, lo: float, hi: float) -> float:
        value = self._get(name, default, (int, float), msg(C, "a number"))
        if not lo <= value <= hi:
            self.problem(name, msg(C, "{value} is outside {lo}…{hi}", value=value, lo=lo,
                                   hi=hi))
            return default
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value: bool = self._get(name, default, bool, msg(C, "true or false"))
        return value

    def texts(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self._get(name, list(default), list, msg(C, "a list of texts"))
        if not all(isinstance(v, str) for v in value):
            self.problem(name, msg(C, "expected a list of texts"))
            return default
        return tuple(value)

    def money(self, name: str, default_minor: int, currency: str) -> int:
        """Amounts are written as text ("4.00") so TOML never turns them into floats."""
        value = self._get(name, None, (str, int), msg(C, 'an amount as text, e.g. "4.00"'))
        if value is None:
            return default_minor
        try:
            number = parse_decimal(str(value))
            if number <= 0:
                raise AmountError(msg("Amount", "The amount must be greater than zero."))
            return to_minor(number, currency)
        except AmountError as exc:
            self.problem(name, exc.message)
            return default_minor

    def url(self, name: str, default: str, *, required: bool) -> str:
        value = self.text(name, default, max_len=2048)
        if any(c.isspace() or not c.isprintable() for c in value):
            # urlsplit drops a tab or a newline, so a check passed on another URL than the one
            # httpx then called (a tab before ".evil" passed the loopback check).
            self.problem(name, msg(C, "has a space, tab or control character"))
            return value
        if not value:
            if required:
                self.problem(name, msg(C, "is required"))
            return value
        try:
            check_url(value, live=False, what=self.key(name))
        except InsecureURL as exc:
            self._problems.append(exc.message)
        return value

    def table(self, name: str) -> _Table:
        value = self._get(name, {}, dict, msg(C, "a table"))
        return _Table(value, f"{self._prefix}{name}.", self._problems)

    def finish(self) -> None:
        for name in self._data:
            if name not in self._used:
                self.problem(name, msg(C, "unknown setting (a typo?)"))


# A store's and a terminal's id: letters, digits, "-", "_", "." — they travel in every
# provider request, in order references ("POS-03-…") and in the head office's addresses, where
# a space or a "/" would break them (Koshelek spec: a string of 1–256, ASSUMPTION).
ID = r"[\w.\-]+"
ID_ALLOWED = msg(C, "may hold only letters, digits, “-”, “_” and “.”, with no spaces")


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Message:
    """Where the file breaks TOML, in the reader's language; the parser's own English words
    ("Illegal character '\\n'", a walk) go to the log."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if where is None:
        return msg(C, "is not valid TOML: {error}", error=str(exc))
    log.warning("the configuration is not valid TOML: %s", exc)
    return msg(C, "is not valid TOML at line {line}, column {column}", line=where[1],
               column=where[2])


def parse_config(data: Mapping[str, Any], *, path: Path | None = None) -> TerminalConfig:
    problems: list[Message] = []
    root = _Table(data, "", problems)
    terminal = root.table("terminal")
    currency = terminal.text("currency", "RUB", pattern=r"[A-Z]{3}")
    values: dict[str, Any] = {
        "store_id": terminal.text("store_id", max_len=36, pattern=ID, allowed=ID_ALLOWED),
        "terminal_id": terminal.text("terminal_id", max_len=256, pattern=ID,
                                     allowed=ID_ALLOWED),
        "store_name": terminal.text("store_name", max_len=256),
        "store_address": terminal.text("store_address", max_len=512),
        "currency": currency,
        "language": terminal.text("language", "", choices=("", "ru", "en")),
    }
    terminal.finish()
    journal = root.table("journal")
    values["journal_dir"] = journal.text("dir")
    journal.finish()
    ui = root.table("ui")
    values["ui"] = UiSettings(
        kiosk=ui.flag("kiosk", False),
        customer_display=ui.flag("customer_display", False),
        catalog_file=ui.text("catalog_file", max_len=1024),
        printer=ui.text("printer", max_len=256),
        paper_width_mm=ui.whole("paper_width_mm", 80, lo=58, hi=80),
    )
    if values["ui"].paper_width_mm not in (58, 80):
        ui.problem("paper_width_mm", msg(C, "must be 58 or 80"))
    ui.finish()
    scanner = root.table("scanner")
    values["scanner"] = ScannerSettings(
        key_interval_ms=scanner.whole("key_interval_ms", 40, lo=5, hi=200),
        stall_ms=scanner.whole("stall_ms", 150, lo=0, hi=1000),
        min_length=scanner.whole("min_length", 6, lo=3, hi=64),
        prefix=scanner.text("prefix", max_len=8),
        suffix=scanner.text("suffix", max_len=8),
    )
    scanner.finish()
    callbacks = root.table("callbacks")
    values["callbacks"] = CallbackSettings(
        enabled=callbacks.flag("enabled", False),
        host=callbacks.text("host", "127.0.0.1", max_len=256),
        port=callbacks.whole("port", 8765, lo=1, hi=65535),
        max_body_bytes=callbacks.whole("max_body_bytes", 65536, lo=1024, hi=10 * 1024 * 1024),
    )
    callbacks.finish()
    office = root.table("head_office")
    values["head_office"] = HeadOfficeSettings(
        url=office.url("url", "", required=False),
        connect_timeout=office.number("connect_timeout", 5.0, lo=0.1, hi=120),
        read_timeout=office.number("read_timeout", 30.0, lo=0.1, hi=600),
        check_releases_every_s=office.number("check_releases_every_s", 300.0, lo=1,
                                             hi=86400),
    )
    office.finish()
    providers = root.table("providers")
    values["providers"] = {}
    for each in plugins():
        section = providers.table(each.name)
        values["providers"][each.name] = each.read_settings(section, currency)
        section.finish()
    providers.finish()
    root.finish()
    if problems:
        raise ConfigError(path, problems)
    return TerminalConfig(**values)


def identity_problems(config: TerminalConfig) -> list[Message]:
    """The store's and the terminal's ids, if missing: every provider request carries them
    (Koshelek spec §3: ``storeId``, ``terminalId``)."""
    return [msg(C, "{key}: is required", key=key) for key, value in (
        ("terminal.store_id", config.store_id), ("terminal.terminal_id", config.terminal_id))
        if not value]


def check_live_ready(config: TerminalConfig, *, path: Path | None = None) -> None:
    """What live mode needs beyond a well-formed file."""
    problems = identity_problems(config)
    enabled = config.enabled()
    if not enabled:
        problems.append(msg(C, "no payment provider is enabled"))
    for name, settings in enabled.items():
        urls = [("base_url", settings.base_url)]
        if settings.http.proxy:  # the proxy sees the credentials of a plain-http request
            urls.append(("proxy", settings.http.proxy))  # the key as the file spells it
        for key, url in urls:
            try:
                check_url(url, live=True, what=f"providers.{name}.{key}")
            except InsecureURL as exc:
                problems.append(exc.message)
    if config.journal_dir and Path(config.journal_dir).exists() \
            and not Path(config.journal_dir).is_dir():
        problems.append(msg(C, "{key}: {path} is a file, not a folder", key="journal.dir",
                            path=config.journal_dir))
    for name, settings in enabled.items():
        problems += plugin(name).live_problems(settings)
    if config.head_office.url:  # the journal travels: TLS, except to this machine
        try:
            check_url(config.head_office.url, live=True, what="head_office.url")
        except InsecureURL as exc:
            problems.append(exc.message)
    if problems:
        raise ConfigError(path, problems)


def config_warnings(config: TerminalConfig) -> list[Message]:
    """What works today but can lose data: said by ``config check`` and ``config show``."""
    warnings: list[Message] = []
    journal_dir = config.journal_dir or str(data_dir())
    if on_network_share(journal_dir):
        warnings.append(msg(C, "{key}: {path} is on a network share; SQLite's journal can be "
                               "corrupted there. Keep the journal on a local disk.",
                            key="journal.dir", path=journal_dir))
    return warnings


def load_config(path: Path) -> TerminalConfig:
    """Read and validate ``path``; never changes the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigMissing(path) from None
    except OSError as exc:
        raise ConfigError(path, [msg(C, "cannot be read: {error}", error=exc.strerror)]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(path, [msg(C, "is not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_toml_problem(exc)]) from None
    return parse_config(data, path=path)


# -- writing -----------------------------------------------------------------------------


def _money_text(minor: int) -> str:
    return f"{Decimal(minor).scaleb(-2):.2f}"


def _provider_table(settings: ProviderSettings) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for name in settings.__struct_fields__:
        value = getattr(settings, name)
        if name == "http":
            table.update({k: v for k, v in asdict(value).items() if v is not None})
        elif name == "min_amount_minor":
            table["min_amount"] = _money_text(value)
        elif name == "max_amount_minor":
            table["max_amount"] = _money_text(value)
        elif isinstance(value, tuple):
            table[name] = list(value)
        else:
            table[name] = value
    return table


def config_to_toml(config: TerminalConfig) -> dict[str, Any]:
    terminal = {k: getattr(config, k) for k in
                ("store_id", "terminal_id", "store_name", "store_address", "currency", "language")}
    data: dict[str, Any] = {"terminal": terminal}
    if config.journal_dir:
        data["journal"] = {"dir": config.journal_dir}
    data["ui"] = asdict(config.ui)
    if config.scanner != ScannerSettings():
        data["scanner"] = asdict(config.scanner)
    if config.callbacks != CallbackSettings():
        data["callbacks"] = asdict(config.callbacks)
    if config.head_office != HeadOfficeSettings():
        data["head_office"] = asdict(config.head_office)
    data["providers"] = {name: _provider_table(s) for name, s in config.providers.items()}
    return data


def save_config(config: TerminalConfig, path: Path, *, now: datetime | None = None) -> Path | None:
    """Write atomically. An existing file that does not load is kept as ``*.broken-<time>``.

    Returns the path of that kept copy, if one was made.
    """
    import tomli_w  # writing only: not on every start's path (issue 17)

    kept: Path | None = None
    if path.exists():
        try:
            load_config(path)
        except ConfigError:
            stamp = (now or datetime.now().astimezone()).strftime("%Y%m%d-%H%M%S")
            kept = path.with_name(f"{path.name}.broken-{stamp}")
            os.replace(path, kept)
    text = "# Terminal configuration of pos-app. Secrets live in the OS keyring, not here.\n"
    text += tomli_w.dumps(config_to_toml(config))
    if path.exists():  # the file as the manager keeps it: only the values that changed
        updated = _updated_text(path.read_text(encoding="utf-8"), config)
        text = updated if updated is not None else text
    write_atomically(path, text)
    return kept


def _updated_text(old: str, config: TerminalConfig) -> str | None:
    """``old`` with ``config``'s values where they differ — its comments, order and other
    lines kept (a walk: a Save in Settings wiped the manager's comments) — or None when
    that would not read back as ``config``."""
    import tomlkit

    document = tomlkit.parse(old)
    toml_update(document, config_to_toml(config))
    text = tomlkit.dumps(document)
    try:
        same = parse_config(tomllib.loads(text)) == config
    except ConfigError:
        same = False
    return text if same else None


def toml_update(document: MutableMapping[str, Any], data: Mapping[str, Any]) -> None:
    """``data``'s values into a tomlkit ``document``, touching only what differs: a value
    left as it was keeps its comment and place."""
    for key, value in data.items():
        if isinstance(value, Mapping) and isinstance(document.get(key), MutableMapping):
            toml_update(document[key], value)
        elif document.get(key) != value:
            document[key] = value


def write_atomically(path: Path, text: str) -> None:
    """``text`` (UTF-8) replaces ``path`` whole or not at all: a power cut meanwhile leaves
    the old file, never half of the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
