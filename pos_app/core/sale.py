"""A sale: the lines the customer is buying and their totals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from pos_app.core.money import AmountError, Money, format_quantity, round_minor
from pos_app.i18n import Message, msg


class Measure(StrEnum):
    """Units of quantity, spelled as Koshelek Pay spells them."""

    PIECE = "PIECE"
    GRAM = "GRAM"
    KILOGRAM = "KILOGRAM"
    TON = "TON"
    CENTIMETER = "CENTIMETER"
    DECIMETER = "DECIMETER"
    METER = "METER"
    SQUARE_CENTIMETER = "SQUARE_CENTIMETER"
    SQUARE_DECIMETER = "SQUARE_DECIMETER"


# How a quantity's unit is written after it (none for pieces: the number says it).
UNIT_SYMBOLS = {Measure.GRAM: Message("Sale", "g"), Measure.KILOGRAM: Message("Sale", "kg"),
                Measure.TON: Message("Sale", "t"), Measure.CENTIMETER: Message("Sale", "cm"),
                Measure.DECIMETER: Message("Sale", "dm"), Measure.METER: Message("Sale", "m"),
                Measure.SQUARE_CENTIMETER: Message("Sale", "cm²"),
                Measure.SQUARE_DECIMETER: Message("Sale", "dm²")}


def quantity_text(quantity: Decimal, measure: Measure) -> str:
    """"0,75 кг": the quantity with its unit, in the language now chosen; "2" for pieces.
    The basket, the customer display, the receipt and the refund all say it so (a walk:
    "0,75" grams in the basket read as pieces)."""
    unit = UNIT_SYMBOLS.get(measure)
    return format_quantity(quantity) + (f" {unit.render()}" if unit else "")


class VatRate(StrEnum):
    """VAT rates as Koshelek Pay names them."""

    NONE = "none"
    VAT0 = "vat0"
    VAT10 = "vat10"
    VAT20 = "vat20"
    VAT110 = "vat110"
    VAT120 = "vat120"


# More of one thing than a till sells in a line (pieces, kilograms, metres): a barcode that
# landed in a quantity field once made a line of 4 600 123 456 789 kg.
MAX_QUANTITY = Decimal(99_999)


class SaleLine(Struct, frozen=True):
    """One position of a sale.

    ``unit_price`` is the price of one unit of ``measure`` (per piece, per kilogram).
    ``discount_minor`` is the discount on the whole line.
    """

    name: str
    unit_price: Money
    quantity: Decimal = Decimal(1)
    measure: Measure = Measure.PIECE
    vat: VatRate = VatRate.NONE
    article: str = ""
    discount_minor: int = 0

    def __post_init__(self) -> None:
        # A programming error, refused where the line is made rather than at payment time
        # (a combo box's str for a Measure once made every such sale unpayable).
        for value, kind in ((self.unit_price, Money), (self.quantity, Decimal),
                            (self.measure, Measure), (self.vat, VatRate)):
            if type(value) is not kind:
                raise TypeError(f"SaleLine needs a {kind.__name__}, not {value!r}")
        if not self.name.strip():
            raise AmountError(msg("Sale", "A sale line needs a name."))
        if self.quantity <= 0:
            raise AmountError(msg("Sale", "The quantity of “{name}” must be greater than "
                                          "zero.", name=self.name))
        if self.quantity > MAX_QUANTITY:
            raise AmountError(msg("Sale", "The quantity of “{name}” cannot be more than "
                                          "{most}.", name=self.name, most=MAX_QUANTITY))
        if self.unit_price.minor < 0:
            raise AmountError(msg("Sale", "The price of “{name}” cannot be negative.",
                                  name=self.name))
        if self.discount_minor < 0 or self.discount_minor > self.subtotal_minor:
            raise AmountError(msg("Sale", "The discount on “{name}” is larger than the line.",
                                  name=self.name))

    @property
    def subtotal_minor(self) -> int:
        """Line total before the discount."""
        return round_minor(Decimal(self.unit_price.minor) * self.quantity)

    @property
    def total_minor(self) -> int:
        return self.subtotal_minor - self.discount_minor

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.unit_price.currency)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit_price_minor": self.unit_price.minor,
            "currency": self.unit_price.currency,
            "quantity": str(self.quantity),
            "measure": self.measure.value,
            "vat": self.vat.value,
            "article": self.article,
            "discount_minor": self.discount_minor,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SaleLine:
        return cls(
            name=str(data["name"]),
            unit_price=Money(int(data["unit_price_minor"]), str(data["currency"])),
            quantity=Decimal(str(data["quantity"])),
            measure=Measure(data.get("measure", "PIECE")),
            vat=VatRate(data.get("vat", "none")),
            article=str(data.get("article", "")),
            discount_minor=int(data.get("discount_minor", 0)),
        )


class Sale(Struct, frozen=True):
    """What the customer is buying. ``id`` and ``number`` are assigned by the journal."""

    lines: tuple[SaleLine, ...]
    currency: str = "RUB"
    id: str = ""
    number: int = 0
    shift_id: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""  # the caller's own order reference (``pay --reference``), if any
    replaces: str = ""  # the sale of this customer's basket before it changed, if any

    def __post_init__(self) -> None:
        if not self.lines:
            raise AmountError(msg("Sale", "The sale has no lines."))
        for line in self.lines:
            if line.unit_price.currency != self.currency:
                raise AmountError(msg("Sale", "All lines of a sale must be in {currency}.",
                                      currency=self.currency))

    @classmethod
    def single_amount(cls, amount: Money, name: str = "") -> Sale:
        """A sale of one free-amount line, as the quick-amount keypad makes."""
        return cls(
            lines=(SaleLine(name=name or "Товар", unit_price=amount, article="FREE"),),
            currency=amount.currency,
        )

    @property
    def subtotal(self) -> Money:
        return Money(sum(line.subtotal_minor for line in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        return Money(sum(line.discount_minor for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        return Money(sum(line.total_minor for line in self.lines), self.currency)

    @property
    def label(self) -> str:
        """The sale's number as receipts and the history print it: ``S000042``."""
        return f"S{self.number:06d}"

    @property
    def order_id(self) -> str:
        """The merchant's order id sent to providers (≤ 36 characters)."""
        return f"{self.label}-{self.id}"[:36]

    def with_identity(self, *, id: str, number: int, shift_id: str | None) -> Sale:
        return replace(self, id=id, number=number, shift_id=shift_id)

    def lines_json(self) -> list[dict[str, Any]]:
        return [line.to_json() for line in self.lines]

    @classmethod
    def from_lines_json(cls, lines: Iterable[Mapping[str, Any]], **kw: Any) -> Sale:
        return cls(lines=tuple(SaleLine.from_json(line) for line in lines), **kw)


def lines_left(basket: Sequence[SaleLine], paid: Sequence[SaleLine]) -> list[SaleLine]:
    """What a basket holds beyond the lines paid: a paid sale's lines go, what was added (or
    counted up) after its payment started stays, unpaid.  Lines are the same when all but
    the quantity are."""
    def kind(line: SaleLine) -> tuple[object, ...]:
        return (line.name, line.unit_price, line.measure, line.vat, line.article)

    left = list(basket)
    for line in paid:
        for index, held in enumerate(left):
            if kind(held) == kind(line):
                rest = held.quantity - line.quantity
                if rest > 0:
                    left[index] = replace(held, quantity=rest, discount_minor=0)
                else:
                    del left[index]
                break
    return left
