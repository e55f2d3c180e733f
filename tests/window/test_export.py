"""The CSV export from the shift screen, pressed as a manager presses it."""

from __future__ import annotations

from pathlib import Path

from tests.window.app import App
from tests.window.conftest import MakeApp
from tests.window.test_walk import answer, press


def export_to(app: App, path: Path) -> None:
    """Open the export dialog, type the file's name and press OK."""
    press(app, "exportCsv")
    app.modal("exportDialog")
    app.click("exportPath", window="exportDialog")
    app.key("ctrl+a")
    app.type(str(path), per_key_ms=10)
    press(app, "ok", window="exportDialog")


def dialog_error(app: App) -> str:
    snap = app.wait(lambda s: (w := s.find("dialogError", window="exportDialog")) is not None
                    and bool(w.text), what="the export dialog's error")
    return snap.get("dialogError").text


def test_an_export_asks_before_replacing_a_file_and_names_a_missing_folder(
        make_app: MakeApp, tmp_path: Path) -> None:
    """A walk: the window's export replaced an existing file without a word (the command
    line refuses to), and a missing folder was blamed on the journal."""
    app = make_app()
    press(app, "shiftButton")
    app.on_screen("shiftScreen")
    export_to(app, tmp_path / "no" / "such" / "payments.csv")
    assert dialog_error(app) == f"The folder {tmp_path / 'no' / 'such'} does not exist."
    app.shot("missing-folder")
    press(app, "cancel", window="exportDialog")

    kept = tmp_path / "payments.csv"
    kept.write_text("the accountant's file", encoding="utf-8")
    export_to(app, kept)
    assert answer(app, "confirmBox", "no") == f"{kept} exists already. Replace it?"
    assert dialog_error(app) == "Choose another file name."
    assert kept.read_text(encoding="utf-8") == "the accountant's file"
    press(app, "ok", window="exportDialog")
    answer(app, "confirmBox", "yes")
    assert answer(app, "infoBox", "ok") == f"0 payment(s) written to {kept}"
    assert kept.read_text(encoding="utf-8-sig").startswith("created")


def test_dates_are_typed_as_a_person_types_them(make_app: MakeApp) -> None:
    """A walk: digits typed into History's dates were lost (Qt's edit placed the cursor in
    the day and dropped every digit); only the arrow keys changed a date."""
    app = make_app(language="ru")
    press(app, "historyButton")
    app.on_screen("historyScreen")
    app.click("historyAllDates")
    app.wait(lambda s: s.get("historySince").enabled, what="the dates to be on")
    app.key("Tab")  # from the check box to the first date: its day
    app.type("0111", per_key_ms=120)  # day 01, then on to the month: 11
    app.wait(lambda s: s.text("historySince").startswith("01.11."), what="01.11 typed")
    app.click("historyUntil")  # the part tapped (its middle: the year) takes the digits
    before = app.snapshot().text("historyUntil")
    app.type("2025", per_key_ms=120)
    after = app.wait(lambda s: s.text("historyUntil").endswith(".2025"), what="2025 typed")
    assert after.text("historyUntil")[:6] == before[:6]  # day and month as they were
    app.shot("dates-typed")
    # Until 29.11.2025 is before since 01.11.2026: said, not "0 found".
    app.wait(lambda s: s.text("historyCount").startswith("Период кончается раньше"),
             what="the reversed period said")
