from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.core.money import AmountError, Money, parse_amount, parse_provider_amount, to_minor


@pytest.mark.parametrize(("text", "minor"), [
    ("123.45", 12345), ("123,45", 12345), ("1 234,50", 123450), ("1\u00a0234.5", 123450),
    ("0.01", 1), (".5", 50), ("7", 700), ("  42,00 ", 4200), ("1_000", 100000),
])
def test_parses_what_cashiers_type(text: str, minor: int) -> None:
    assert parse_amount(text) == Money(minor, "RUB")


@pytest.mark.parametrize(("text", "says"), [
    ("", "Enter an amount"),
    ("   ", "Enter an amount"),
    ("-5", "cannot be negative"),
    ("0", "greater than zero"),
    ("0,00", "greater than zero"),
    ("1.234", "more than 2 digits after the decimal point"),
    ("12.3.4", "is not an amount"),
    ("abc", "is not an amount"),
    ("1e5", "is not an amount"),
    ("NaN", "is not an amount"),
    ("12,34,5", "is not an amount"),
])
def test_bad_amounts_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(AmountError) as error:
        parse_amount(text)
    assert says in str(error.value)


def test_limits_name_the_limit() -> None:
    with pytest.raises(AmountError, match="below the minimum of 4,00"):
        parse_amount("3.99", minimum=Money(400))
    with pytest.raises(AmountError, match="above the maximum of 100"):
        parse_amount("100.01", maximum=Money(10000))
    assert parse_amount("4", minimum=Money(400)) == Money(400)


def test_formatting() -> None:
    assert Money(123450).format() == "1\u00a0234,50\u00a0₽"
    assert Money(-5).format(symbol=False) == "-0,05"
    assert Money(149900).plain() == "1499.00"
    assert Money(100, "USD").format() == "1,00\u00a0$"


def test_money_refuses_floats_and_mixed_currencies() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(1, "RUB") + Money(1, "USD")


@pytest.mark.parametrize(("value", "minor"), [
    (Decimal("1499"), 149900), ("142.45", 14245), (100, 10000), (3.33, 333), ("0.1", 10),
])
def test_provider_amounts(value: object, minor: int) -> None:
    assert parse_provider_amount(value, "RUB").minor == minor


@pytest.mark.parametrize("value", [None, True, "x", "1.001", float("nan"), "Infinity", []])
def test_provider_nonsense_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="amount"):
        parse_provider_amount(value, "RUB")


def test_to_minor_is_exact() -> None:
    assert to_minor(Decimal("0.10"), "RUB") == 10
    with pytest.raises(AmountError):
        to_minor(Decimal("0.105"), "RUB")


@given(st.integers(min_value=1, max_value=10**12))
def test_plain_text_round_trips(minor: int) -> None:
    money = Money(minor)
    assert parse_amount(money.plain()) == money
    assert parse_amount(money.format(symbol=False)) == money


@given(st.text(max_size=30))
def test_any_text_parses_or_says_why(text: str) -> None:
    try:
        money = parse_amount(text)
    except AmountError as exc:
        message = exc.message.english()
    else:
        message = ""
        assert money.minor > 0
    assert message or money
