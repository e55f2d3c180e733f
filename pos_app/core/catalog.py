"""An optional product catalog: a CSV file that maps barcodes to goods.

Columns (header required, any order, ``;`` or ``,``): ``barcode``, ``name``,
``price`` (rubles, comma or dot), and optionally ``vat`` (none, vat0, vat10,
vat20, vat110, vat120), ``measure`` (PIECE, KILOGRAM, …), ``article``.  UTF-8,
with or without a BOM, as Excel saves it.  Bad lines are skipped and reported
with their line numbers; the good ones are used.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from msgspec import Struct

from pos_app.core.money import Money, parse_decimal, to_minor
from pos_app.core.sale import Measure, SaleLine, VatRate
from pos_app.i18n import Message, UserError, msg

C = "Catalog"
REQUIRED = ("barcode", "name", "price")


class Product(Struct, frozen=True):
    barcode: str
    name: str
    price: Money
    vat: VatRate = VatRate.NONE
    measure: Measure = Measure.PIECE
    article: str = ""


class Catalog(Struct, frozen=True):
    products: dict[str, Product]
    problems: tuple[Message, ...] = ()

    def find(self, barcode: str) -> Product | None:
        return self.products.get(barcode.strip())

    def __len__(self) -> int:
        return len(self.products)


def parse_catalog(text: str, *, currency: str = "RUB") -> Catalog:
    text = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t") if text else None
    reader = csv.DictReader(io.StringIO(text), dialect=dialect) if dialect else None
    if reader is None or reader.fieldnames is None:
        return Catalog({}, (msg(C, "The catalog is empty."),))
    fields = [f.strip().lower() for f in reader.fieldnames]
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        return Catalog({}, (msg(C, "The catalog has no column {columns}.",
                                columns=", ".join(missing)),))
    reader.fieldnames = fields
    products: dict[str, Product] = {}
    problems: list[Message] = []
    for line, row in enumerate(reader, start=2):
        try:
            product = _product(row, currency)
        except UserError as exc:  # a bad price, or a row problem below
            problems.append(msg(C, "Line {line}: {problem}", line=line, problem=exc.message))
            continue
        if product.barcode in products:
            problems.append(msg(C, "Line {line}: barcode {barcode} appears twice; the first "
                                   "one is used.", line=line, barcode=product.barcode))
            continue
        products[product.barcode] = product
    return Catalog(products, tuple(problems))


def _product(row: dict[str, str | None], currency: str) -> Product:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    barcode, name = cell("barcode"), cell("name")
    if not barcode or not name:
        raise UserError(msg(C, "a barcode and a name are needed"))
    price = Money(to_minor(parse_decimal(cell("price")), currency), currency)
    vat, measure = cell("vat").lower() or "none", cell("measure").upper() or "PIECE"
    if vat not in VatRate.__members__.values():
        raise UserError(msg(C, "unknown VAT rate “{vat}”; use one of {known}", vat=vat,
                              known=", ".join(VatRate)))
    if measure not in Measure.__members__.values():
        raise UserError(msg(C, "unknown measure “{measure}”; use one of {known}",
                              measure=measure, known=", ".join(Measure)))
    product = Product(barcode, name, price, VatRate(vat), Measure(measure),
                      cell("article") or barcode)
    # What a sale would refuse when the product is scanned (a negative price…) is refused
    # here, with its line number, instead of failing at the till.
    SaleLine(name=name, unit_price=price, measure=product.measure, vat=product.vat,
             article=product.article)
    return product


def load_catalog(path: Path) -> Catalog:
    try:
        return parse_catalog(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return Catalog({}, (msg(C, "The catalog file {path} does not exist.", path=str(path)),))
    except (OSError, UnicodeDecodeError) as exc:
        return Catalog({}, (msg(C, "The catalog file {path} cannot be read: {error}",
                                path=str(path), error=str(exc)),))
