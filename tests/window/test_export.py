"""The CSV export from the shift screen, pressed as a manager presses it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.window.app import App, Snapshot
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
    assert answer(app, "infoBox", "ok") == f"0 payments written to {kept}"
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


def a_year_of_payments(journal: Path, count: int, *, schema: int | None = None) -> None:
    """``count`` paid training payments of the last minutes, in the journal the app opens
    (of an older ``schema`` version, for an upgrade)."""
    import asyncio
    import sqlite3
    from datetime import timedelta

    from pos_app.core.journal import Journal
    from pos_app.core.journal.schema import MIGRATIONS, statements
    from pos_app.core.money import Money
    from pos_app.core.packed import unpack
    from pos_app.core.payments import utcnow
    from pos_app.core.sale import Sale
    from tests.core.test_journal import add_attempt

    first = journal.with_name("first.sqlite3")

    async def one() -> None:
        opened = await Journal.open(first)
        sale = await opened.add_sale(Sale.single_amount(Money(10000)), training=True)
        await add_attempt(opened, sale)
        await opened.close()

    journal.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(one())
    source = sqlite3.connect(first)
    source.row_factory = sqlite3.Row
    sale = dict(source.execute("SELECT * FROM sales").fetchone())
    template = dict(source.execute("SELECT * FROM payments").fetchone())
    source.close()
    db = sqlite3.connect(journal)
    for script in MIGRATIONS[:schema]:
        for statement in statements(script):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {schema or len(MIGRATIONS)}")
    if schema is not None and schema < 7:  # before packed JSON: text
        sale, template = ({name: unpack(value) if isinstance(value, bytes) else value
                           for name, value in row.items()} for row in (sale, template))
    # An older schema lacks the columns added since (the payments' method, the sales' replaces).
    for row, table in ((sale, "sales"), (template, "payments")):
        for gone in set(row) - {c[1] for c in db.execute(f"PRAGMA table_info({table})")}:
            del row[gone]
    db.execute(f"INSERT INTO sales ({', '.join(sale)}) VALUES "  # noqa: S608
               f"({', '.join('?' * len(sale))})", tuple(sale.values()))
    now = utcnow()
    rows = [dict(template, id=f"bulk{i:08d}", idem_key=f"bulk-key-{i}", state="PAID",
                 training=1, created_at=(now - timedelta(milliseconds=i)).isoformat(
                     timespec="milliseconds")) for i in range(count)]
    columns = list(template)
    db.executemany(f"INSERT INTO payments ({', '.join(columns)}) VALUES "  # noqa: S608
                   f"({', '.join('?' * len(columns))})", [tuple(r[c] for c in columns)
                                                           for r in rows])
    db.commit()
    db.close()


def test_a_long_export_shows_its_progress_and_can_be_stopped(make_app: MakeApp,
                                                              tmp_path: Path) -> None:
    """Issue 17: an export of a year ran for 23 s with neither progress nor a way out."""
    app = make_app(start=False)
    a_year_of_payments(app.folder / "data" / "journal-training.sqlite3", 400_000)
    app.start()
    press(app, "shiftButton")
    app.on_screen("shiftScreen")
    target = tmp_path / "year.csv"
    export_to(app, target)
    app.wait(lambda s: s.has_window("progressDialog"), what="the export's progress",
             timeout=30)
    app.shot("export-progress")
    press(app, "stopWaiting", window="progressDialog")
    assert answer(app, "infoBox", "ok") == "The export was stopped; no file was written."
    assert not target.exists()
    assert not target.with_name("year.csv.part").exists()


def test_a_journal_upgrade_shows_its_progress_and_keeps_what_is_typed(
        make_app: MakeApp) -> None:
    """Issue 17: the new indexes over a year of payments take seconds; the register showed
    nothing meanwhile (it looked frozen).  Then its dialog took the keys typed meanwhile, and
    Escape closed it for good: the progress is on the sale screen now."""
    import sqlite3

    from pos_app.core.journal import SCHEMA_VERSION

    app = make_app(start=False)
    journal = app.folder / "data" / "journal-training.sqlite3"
    a_year_of_payments(journal, 300_000, schema=5)
    app.start(running=False)  # the sale screen shows before the upgrade ends
    snap = app.wait(lambda s: "Updating the journal" in s.text("saleMessage"),
                    what="the upgrade's progress", timeout=60)
    app.shot("journal-upgrade")
    assert snap.get("payButton").text == "Starting…"
    app.focus_on("amountField")
    app.type("250")
    app.key("Escape", "Return")  # Escape clears the field: type again
    app.type("250")
    app.key("Return")
    snap = app.wait(lambda s: s.running, what="the upgraded journal", timeout=120)
    assert "250,00" in snap.text("saleTotal")
    assert "Updating" not in snap.text("saleMessage")
    db = sqlite3.connect(journal)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT COUNT(*) FROM payments").fetchone()[0] == 300_000
    db.close()


def test_a_damaged_journal_is_said_once_the_window_shows(make_app: MakeApp) -> None:
    """The integrity check moved after the window shows (it read the whole file before the
    window, 1.6 s at a million payments): a damaged journal is still said at once, in the
    alert bar (a box would be closed unread by the Enter typed for the first sale)."""
    from tests.core.test_journal import damage_an_index

    app = make_app(start=False)
    journal = app.folder / "data" / "journal-training.sqlite3"
    a_year_of_payments(journal, 2_000)
    damage_an_index(journal)
    app.start()
    snap = app.wait(lambda s: "journal file" in (s.find("alertText") or s.get("saleTotal")).text,
                    what="the damage said in the alert bar")
    assert snap.text("alertText").startswith(f"The journal file {journal} is damaged (")
    assert "take no more payments and contact support" in snap.text("alertText")
    assert not snap.modal
    app.allow_log_errors("failed its integrity check")


def history_of(make_app: MakeApp, payments: int, *, tap_row: int) -> App:
    """A till with ``payments`` in its journal, its History open and a row tapped."""
    app = make_app(start=False)
    a_year_of_payments(app.folder / "data" / "journal-training.sqlite3", payments)
    app.start()
    press(app, "historyButton")
    app.on_screen("historyScreen")
    app.click_cell("historyTable", row=tap_row, column=1)
    return app


def shows(payment_id: str) -> Callable[[Snapshot], bool]:
    """The details panel shows this payment."""
    return lambda s: payment_id in s.text("detailsSummary") + s.text("detailsEvents")


def test_the_last_row_reached_at_once_shows_its_payment(make_app: MakeApp) -> None:
    """A walk: Ctrl+End over rows not read yet highlighted the last row while the details
    said "choose a payment" (and offered no receipt or refund)."""
    app = history_of(make_app, 20_000, tap_row=0)
    app.key("ctrl+End")
    snap = app.wait(shows("bulk00019999"), what="the oldest payment", timeout=20)
    assert snap.get("detailsReceipt").enabled


def test_home_and_end_go_to_the_newest_and_the_oldest_payment(make_app: MakeApp) -> None:
    """A walk: in the payment lists only Ctrl+Home and Ctrl+End jumped; Home and End moved
    along the chosen row and did nothing a person could see."""
    app = history_of(make_app, 2_000, tap_row=1)
    app.wait(shows("bulk00000001"), what="the payment tapped")
    app.key("End")
    app.wait(shows("bulk00001999"), what="the oldest payment")
    app.key("Home")
    app.wait(shows("bulk00000000"), what="the newest payment")


def test_history_opens_again_at_the_newest_with_none_chosen(make_app: MakeApp) -> None:
    """helper-43: History opened again showed the details of a payment looked at on an
    earlier visit, no row chosen, the newest out of view."""
    app = history_of(make_app, 2_000, tap_row=1)
    app.wait(shows("bulk00000001"), what="the payment tapped")
    app.key("End")
    app.wait(shows("bulk00001999"), what="the oldest payment")
    app.click("historyBack")
    app.on_screen("saleScreen")
    app.click("historyButton")
    app.on_screen("historyScreen")
    app.wait(lambda s: s.text("detailsSummary") == "Choose a payment to see its details."
             and app.items("historyTable")[0]["row"] == 0, what="the newest, none chosen")

