"""Money as integer minor units plus an ISO 4217 currency.

Text from people and from providers is parsed through :class:`~decimal.Decimal`
from strings, never through ``float``.  Every way an amount can be wrong has its
own translatable message so the cashier knows what to fix.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from msgspec import Struct

from pos_app.i18n import UserError, msg

C = "Amount"
# Digits after the point for the currencies we meet; anything else defaults to 2.
_MINOR_DIGITS = {"RUB": 2, "USD": 2, "EUR": 2, "UAH": 2, "KZT": 2, "JPY": 0, "XTS": 2}
_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€"}

# Cashiers type amounts with a comma or a dot and sometimes group thousands with
# spaces (including the narrow no-break space a copy from a spreadsheet brings).
_GROUPING = re.compile(r"[ \u00a0\u202f_']")
# ASCII digits only: "١٢٣" or "１２" are not amounts (Decimal would read them).
_AMOUNT = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)$")


def minor_digits(currency: str) -> int:
    return _MINOR_DIGITS.get(currency.upper(), 2)


class AmountError(UserError):
    """An amount that cannot be accepted; ``message`` names what is wrong."""


class Money(Struct, frozen=True, order=True):
    """An amount in minor units (kopecks, cents) of ``currency``."""

    minor: int
    currency: str = "RUB"

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int")

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-minor_digits(self.currency))

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} and {other.currency}")

    def plain(self) -> str:
        """Fixed-point text with a dot, as providers want it: ``1499.00``."""
        digits = minor_digits(self.currency)
        return f"{self.decimal:.{digits}f}"

    def format(self, *, symbol: bool = True) -> str:
        """Human text with grouped thousands: ``1 499,00 ₽``."""
        digits = minor_digits(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, _, frac = f"{abs(self.decimal):.{digits}f}".partition(".")
        grouped = f"{int(whole):,}".replace(",", "\u00a0")
        text = f"{sign}{grouped},{frac}" if frac else f"{sign}{grouped}"
        if symbol:
            text += "\u00a0" + _SYMBOLS.get(self.currency, self.currency)
        return text

    def __str__(self) -> str:
        return self.format()


def format_quantity(quantity: Decimal) -> str:
    """A quantity as people here write it: ``1,125``, ``2``."""
    return f"{quantity.normalize():f}".replace(".", ",")


def parse_decimal(text: str) -> Decimal:
    """Parse an amount typed by a person (comma or dot, grouping spaces allowed)."""
    cleaned = _GROUPING.sub("", text.strip())
    if not cleaned:
        raise AmountError(msg(C, "Enter an amount."))
    if not _AMOUNT.match(cleaned):
        raise AmountError(msg(C, "“{text}” is not an amount. Use digits and one decimal "
                                 "separator.", text=text))
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise AmountError(msg(C, "“{text}” is not an amount.", text=text)) from exc


def to_minor(value: Decimal, currency: str, *, source: str = "") -> int:
    """Exact conversion to minor units; refuses values with more decimals than the currency has."""
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise AmountError(msg(C, "{amount} has more than {digits} digits after the decimal "
                                 "point.", amount=source or str(value), digits=digits))
    return int(scaled)


def parse_amount(
    text: str,
    currency: str = "RUB",
    *,
    minimum: Money | None = None,
    maximum: Money | None = None,
) -> Money:
    """Parse a positive amount a cashier typed; names exactly what is wrong with it."""
    value = parse_decimal(text)
    if value < 0:
        raise AmountError(msg(C, "The amount cannot be negative."))
    if value == 0:
        raise AmountError(msg(C, "The amount must be greater than zero."))
    money = Money(to_minor(value, currency, source=text.strip()), currency)
    check_limits(money, minimum=minimum, maximum=maximum)
    return money


def check_limits(money: Money, *, minimum: Money | None, maximum: Money | None) -> None:
    if minimum is not None and money.minor < minimum.minor:
        raise AmountError(msg(C, "The amount {amount} is below the minimum of {limit}.",
                              amount=money, limit=minimum))
    if maximum is not None and money.minor > maximum.minor:
        raise AmountError(msg(C, "The amount {amount} is above the maximum of {limit}.",
                              amount=money, limit=maximum))


def parse_provider_amount(value: object, currency: str) -> Money:
    """Read an amount a provider sent in major units (JSON number or numeric string).

    Raises :class:`ValueError` (not a user error): a provider answering nonsense
    is a protocol problem the caller reports as such.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, float):
        # JSON decoders should give Decimal; if a float slipped through, use its
        # shortest repr, which is what the provider wrote.
        value = repr(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    scaled = number.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount with fractional minor units: {value!r}")
    return Money(int(scaled), currency)


def round_minor(value: Decimal) -> int:
    """Round a fractional number of minor units half-up (commercial rounding)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
