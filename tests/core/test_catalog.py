"""The product catalog: a CSV as Excel saves it; bad lines are skipped and named."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pos_app.core.catalog import load_catalog, parse_catalog
from pos_app.core.money import Money
from pos_app.core.sale import Measure, VatRate


def test_excel_csv_with_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes("\ufeffBarcode;Name;Price;VAT;Measure\n"
                     "4601234567890;Молоко 3,2% 1 л;89,90;vat10;\n"
                     "2100000012345;Яблоки Гала, вес;200.00;VAT10;kilogram\n"
                     .encode())
    catalog = load_catalog(path)
    assert catalog.problems == ()
    milk = catalog.find(" 4601234567890 ")
    assert milk is not None
    assert (milk.name, milk.price, milk.vat, milk.measure) == (
        "Молоко 3,2% 1 л", Money(8990), VatRate.VAT10, Measure.PIECE)
    apples = catalog.find("2100000012345")
    assert apples is not None
    assert apples.measure is Measure.KILOGRAM
    assert apples.price.decimal == Decimal("200.00")


def test_bad_lines_are_named_and_the_good_ones_kept() -> None:
    catalog = parse_catalog("barcode,name,price,vat,measure\n"
                            "1,Хлеб,45.50,,\n"
                            "2,Торт,12.345,,\n"
                            "3,Чай,99,vat18,\n"
                            "4,Кабель,10,,FURLONG\n"
                            ",Безымянный,10,,\n"
                            "1,Хлеб снова,46,,\n"
                            "9,Скидка,-10,,\n")
    assert list(catalog.products) == ["1"]
    problems = [p.english() for p in catalog.problems]
    assert problems[0].startswith("Line 3: ")
    assert "more than 2 digits" in problems[0]
    assert problems[1] == ("Line 4: unknown VAT rate “vat18”; use one of none, vat0, vat10, "
                           "vat20, vat110, vat120")
    assert problems[2].startswith("Line 5: unknown measure “FURLONG”; use one of PIECE")
    assert problems[3] == "Line 6: a barcode and a name are needed"
    assert problems[4] == "Line 7: barcode 1 appears twice; the first one is used."
    # What a sale would refuse at the till is refused at load (it once failed on scanning).
    assert problems[5] == "Line 8: The price of “Скидка” cannot be negative."


def test_unusable_files_say_why(tmp_path: Path) -> None:
    missing = load_catalog(tmp_path / "nowhere.csv")
    assert "does not exist" in missing.problems[0].english()
    binary = tmp_path / "catalog.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    assert "cannot be read" in load_catalog(binary).problems[0].english()
    assert parse_catalog("").problems[0].english() == "The catalog is empty."
    assert parse_catalog("code;title\n1;x\n").problems[0].english() == (
        "The catalog has no column barcode, name, price.")
