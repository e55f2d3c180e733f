"""Property: bad input from a person or a file gives our own clear error, never a crash.

Amounts typed by the cashier, barcodes from a scanner, the terminal's configuration file
(any bytes, any TOML), and what the TOTP module says about a barcode.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.core.config import ConfigError, load_config, parse_config
from pos_app.core.money import AmountError, parse_amount
from pos_app.providers.errors import ProviderError
from pos_app.providers.koshelek.tokens import barcode_info, clean_barcode

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

KEYS = ["terminal", "store_id", "terminal_id", "currency", "language", "providers", "koshelek",
        "paymega", "pegas", "enabled", "base_url", "timeout", "connect_timeout",
        "read_timeout", "poll_interval_s", "min_amount", "max_amount", "ui", "kiosk",
        "paper_width_mm", "catalog_file", "journal", "dir", "refunds", "deposit_type",
        "status_channel", "retries", "totp_command", "service", "api", "ttl_minutes"]
toml_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**63, max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
    | st.sampled_from(["http://x", "https://pay.example", "0", "-1", "1e9", "ru", "RUB"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), inner, max_size=5),
    max_leaves=20)


E = TypeVar("E", bound=BaseException)


def outcome(expected: type[E], fn: Callable[..., Any], *args: Any) -> tuple[Any, E | None]:
    """(result, None), or (None, the expected error); any other exception fails the test."""
    try:
        return fn(*args), None
    except expected as exc:
        return None, exc


@SETTINGS
@given(st.text(max_size=30))
def test_amounts_typed_by_a_person(text: str) -> None:
    money, error = outcome(AmountError, parse_amount, text, "RUB")
    if error is not None:
        assert error.message.render()  # says what is wrong
    else:
        assert isinstance(money.minor, int)
        assert money.minor > 0


@SETTINGS
@given(st.text(max_size=80))
def test_barcodes_from_a_scanner(raw: str) -> None:
    barcode, error = outcome(ProviderError, clean_barcode, raw)
    if error is not None:
        assert error.code == "BAD_BARCODE"
    else:
        assert barcode == barcode.strip()


@SETTINGS
@given(toml_values)
def test_what_the_totp_module_says_about_a_barcode(answer: object) -> None:
    info, error = outcome(ProviderError, barcode_info, answer)
    assert error is not None or info.card_session


@SETTINGS
@given(st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=6))
def test_any_configuration_data(data: dict[str, object]) -> None:
    _, error = outcome(ConfigError, parse_config, data)
    assert error is None or error.problems  # names the keys and what is wrong with them


def _toml(data: dict[str, Any]) -> bytes:
    try:
        return tomli_w.dumps(_tables(data)).encode()
    except (TypeError, ValueError):
        return repr(data).encode()  # not representable as TOML: garbage, then


def _tables(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _tables(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_tables(v) for v in data if v is not None]
    return data


@SETTINGS
@given(st.binary(max_size=300)
       | st.dictionaries(st.sampled_from(KEYS), toml_values, max_size=6).map(_toml))
def test_any_configuration_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "terminal.toml"
    path.write_bytes(content)
    outcome(ConfigError, load_config, path)
    assert path.read_bytes() == content  # never changed, never overwritten


def test_the_file_strategy_makes_valid_toml_too() -> None:
    text = _toml({"terminal": {"store_id": "S1"}})
    assert tomllib.loads(text.decode()) == {"terminal": {"store_id": "S1"}}
