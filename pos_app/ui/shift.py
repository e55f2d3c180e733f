"""The shift screen: open and close shifts, X/Z reports, reconciliation, CSV export.

Closing a shift (Z) and resolving a reconciliation difference need the manager PIN; the
window passes in how to ask for it.  Reports are rendered once as HTML for the screen, the
printer (58/80 mm rolls, as receipts) and PDF.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path

from msgspec.structs import replace

from pos_app.core.backoffice import Backoffice
from pos_app.core.config import TerminalConfig, UiSettings
from pos_app.core.export import ExportStopped, Period
from pos_app.core.payments import utcnow
from pos_app.core.reconcile import KIND_LABELS, Difference, ref_text
from pos_app.core.reports import ShiftReport, render_report
from pos_app.core.shifts import Shift
from pos_app.core.states import PaymentState, describe_state
from pos_app.i18n import Message, UserError, msg, tr, trn
from pos_app.ui.date_field import DateField
from pos_app.ui.dialogs import FormDialog, ReasonDialog
from pos_app.ui.progress import ProgressDialog
from pos_app.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QDate,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPalette,
    QPrinter,
    QPrinterInfo,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from pos_app.ui.receipts import print_html, save_pdf
from pos_app.ui.support import (
    Screen,
    ask,
    big_button,
    choose_file,
    confirm,
    documents_folder,
    print_dialog,
    show_info,
    spawn,
    with_progress,
)
from pos_app.ui.widgets import caption, choice_box

C = "ShiftScreen"
SIDE_WIDTH = 260

AskPin = Callable[[str], Awaitable[bool]]


class NameDialog(FormDialog):
    """A person's name, required (``missing``: what is said without one)."""

    def __init__(self, parent: QWidget | None, title: str, *, label: str, field: str,
                 missing: Message, reason: str = "") -> None:
        super().__init__(parent, title)
        if reason:
            hint = QLabel(reason)
            hint.setWordWrap(True)
            self.form.addRow(hint)
        self.name = QLineEdit()
        self.name.setObjectName(field)
        self.name.setMinimumHeight(44)
        self.form.addRow(label, self.name)
        self._missing = missing

    def check(self) -> None:
        if not self.name.text().strip():
            raise UserError(self._missing)


class OpenShiftDialog(NameDialog):
    """Who works the till: asked before the first sale when no shift is open."""

    def __init__(self, parent: QWidget | None, *, reason: str = "") -> None:
        super().__init__(parent, tr(C, "Open a shift"), label=tr(C, "Cashier"),
                         field="cashierName", reason=reason,
                         missing=Message(C, "Enter the cashier's name."))
        self.setObjectName("openShiftDialog")
        self.cashier = self.name


class CloseShiftDialog(NameDialog):
    """Who closes the shift: their name goes into the Z report and the journal (it said "by
    manager", and nobody could tell which one, issue 20 #19)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, tr(C, "Close the shift"), label=tr(C, "Closed by"),
                         field="closerName",
                         missing=Message(C, "Enter the name of whoever closes the shift."))
        self.setObjectName("closeShiftDialog")
        self.closer = self.name


class DifferenceDialog(ReasonDialog):
    """A manager settles a reconciliation difference: why, and who (audited)."""

    def __init__(self, parent: QWidget | None, *, summary: str) -> None:
        super().__init__(parent, tr(C, "Resolve a difference"), summary=summary,
                         placeholder=tr(C, "What was checked and what was done about it"))
        self.setObjectName("differenceDialog")


class ExportDialog(FormDialog):
    """Payments of a period to a CSV file."""

    def __init__(self, parent: QWidget | None, *, folder: Path) -> None:
        super().__init__(parent, tr(C, "Export payments"))
        self.setObjectName("exportDialog")
        self.since = DateField(QDate.currentDate())
        self.since.setObjectName("exportFrom")
        self.until = DateField(QDate.currentDate())
        self.until.setObjectName("exportTo")
        self.semicolon = QCheckBox(tr(C, "For Excel with Russian settings (; and decimal comma)"))
        self.semicolon.setObjectName("exportSemicolon")
        self.semicolon.setChecked(True)
        today = datetime.now().astimezone()
        self.path = QLineEdit(str(folder / f"payments-{today:%Y-%m-%d}.csv"))
        self.path.setObjectName("exportPath")
        browse = QPushButton(tr(C, "Choose…"))
        browse.setObjectName("exportBrowse")
        browse.clicked.connect(lambda: spawn(self._browse(), parent=self))
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.form.addRow(tr(C, "From"), self.since)
        self.form.addRow(tr(C, "To"), self.until)
        self.form.addRow(self.semicolon)
        self.form.addRow(tr(C, "File"), where)
        self.validate = self._replace_asked
        self._replace_agreed: Path | None = None
        self._exists = False

    async def _browse(self) -> None:
        path = await choose_file(self, tr(C, "Export payments"),
                                 name_filter=tr(C, "CSV files (*.csv)"),
                                 suggested=self.path.text().strip())
        if path is not None:
            self.path.setText(str(path))
            self._replace_agreed = path  # the file dialog asked already

    @property
    def period(self) -> Period:
        return Period(_day(self.since.date()), _day(self.until.date()))

    def check(self) -> None:
        self.period  # noqa: B018 - raises UserError for a period that ends before it starts
        text = self.path.text().strip()
        if not text:
            raise UserError(Message(C, "Choose the file to write."))
        path = Path(text)
        if path.is_dir():
            raise UserError(msg(C, "{path} is a folder: give a file name.", path=text))
        if not path.parent.is_dir():
            raise UserError(msg(C, "The folder {folder} does not exist.",
                                    folder=str(path.parent)))
        self._exists = path.exists()

    async def _replace_asked(self) -> None:
        """An existing file is replaced only when the manager says so (as the command line
        refuses to overwrite one); check() has just looked at the disk."""
        path = Path(self.path.text().strip())
        if self._exists and path != self._replace_agreed and not await confirm(
                self, tr(C, "{path} exists already. Replace it?", path=str(path))):
            raise UserError(Message(C, "Choose another file name."))


class ShiftScreen(Screen):
    done = Signal()
    shift_changed = Signal(object)  # the open Shift, or None

    def __init__(self, office: Backoffice, config: TerminalConfig, *, ask_pin: AskPin) -> None:
        super().__init__()
        self.setObjectName("shiftScreen")
        self.office = office
        self._config = config
        self._ask_pin = ask_pin
        self.shift: Shift | None = None
        self.report: ShiftReport | None = None
        self.html = ""
        self.differences: list[Difference] = []
        self._reconciled = False  # this screen asked the providers since the shift was shown
        self._busy = False  # an action runs: the others wait
        self.status = caption(points=14, bold=True, name="shiftStatus")
        self.warning = caption(points=12, name="shiftWarning", error=True)
        self.view = QTextBrowser()
        self.view.setObjectName("reportView")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("differencesTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # what differs
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)  # long references
        header.resizeSection(2, 140)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(44)  # a finger's row (a walk: 30 px)
        self.table.hide()
        self.differences_label = caption(points=12, name="differencesLabel")
        self.resolve_button = big_button(height=44)
        self.resolve_button.setObjectName("resolveDifference")
        self.resolve_button.hide()

        self.open_button = big_button(role="primary")
        self.open_button.setObjectName("openShift")
        self.x_button = big_button()
        self.x_button.setObjectName("xReport")
        self.reconcile_button = big_button()
        self.reconcile_button.setObjectName("reconcileShift")
        self.z_button = big_button(role="danger")
        self.z_button.setObjectName("zReport")
        self.paper = choice_box()
        self.paper.setObjectName("reportPaper")
        self.paper.addItem("80 mm", 80)
        self.paper.addItem("58 mm", 58)
        self.paper.setCurrentIndex(0 if config.ui.paper_width_mm == 80 else 1)
        # The report as it will come out of this roll (58 mm lays its rows out narrower).
        self.paper.currentIndexChanged.connect(lambda _: self._render())
        self.paper.setMinimumHeight(44)
        self.print_button = big_button()
        self.print_button.setObjectName("printReport")
        self.pdf_button = big_button()
        self.pdf_button.setObjectName("saveReportPdf")
        self.export_button = big_button()
        self.export_button.setObjectName("exportCsv")
        self.back = big_button()
        self.back.setObjectName("shiftBack")
        self._connect()

        left = QVBoxLayout()
        left.addWidget(self.status)
        left.addWidget(self.warning)
        left.addWidget(self.view, 3)
        left.addWidget(self.differences_label)
        left.addWidget(self.table, 2)
        left.addWidget(self.resolve_button)
        right = QVBoxLayout()
        for widget in (self.open_button, self.x_button, self.reconcile_button, self.z_button,
                       self.paper, self.print_button, self.pdf_button, self.export_button):
            right.addWidget(widget)
        right.addStretch(1)
        right.addWidget(self.back)
        side = QWidget()
        side.setLayout(right)
        side.setFixedWidth(SIDE_WIDTH)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(side)
        self.retranslate()

    def _connect(self) -> None:
        for button, action in ((self.open_button, self.open_shift),
                               (self.x_button, self._x_report),
                               (self.reconcile_button, self._reconcile),
                               (self.z_button, self._close_shift),
                               (self.resolve_button, self._resolve),
                               (self.print_button, self._print),
                               (self.pdf_button, self.save_pdf),
                               (self.export_button, self.export)):
            button.clicked.connect(lambda _=False, act=action: self._act(act))
        self.table.itemSelectionChanged.connect(self._enable)
        self.back.clicked.connect(self.done.emit)

    def _act(self, action: Callable[[], Awaitable[object]]) -> None:
        """One action at a time; the buttons then show what the new state allows."""
        self._busy = True
        self._enable()

        async def run() -> None:
            try:
                await action()
            finally:
                self._busy = False
                self._enable()

        spawn(run(), parent=self)

    def _enable(self) -> None:
        shift, idle = self.shift, not self._busy
        is_open = shift is not None and shift.is_open
        selected = self.selected()
        self.open_button.setEnabled(idle and not is_open)
        self.z_button.setEnabled(idle and is_open)
        self.reconcile_button.setEnabled(idle and shift is not None)
        self.x_button.setEnabled(idle and shift is not None)
        self.resolve_button.setEnabled(idle and selected is not None and not selected.resolved)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(idle and bool(self.html))
        self.export_button.setEnabled(idle)

    def escape_button(self) -> QPushButton:
        return self.back

    def use_ui(self, ui: UiSettings) -> None:
        """Settings saved: the printer and the paper from now on (they waited for a
        restart, issue 20 #18)."""
        self._config = replace(self._config, ui=ui)
        self.paper.setCurrentIndex(max(self.paper.findData(ui.paper_width_mm), 0))

    def retranslate(self) -> None:
        self.open_button.setText(tr(C, "Open shift…"))
        self.x_button.setText(tr(C, "X report"))
        self.reconcile_button.setText(tr(C, "Reconcile"))
        self.z_button.setText(tr(C, "Close shift (Z)…"))
        self.print_button.setText(tr(C, "Print…"))
        self.pdf_button.setText(tr(C, "Save as PDF…"))
        self.export_button.setText(tr(C, "Export CSV…"))
        for i in range(self.paper.count()):  # "80 mm" stayed Latin in Russian (issue 20 #1)
            self.paper.setItemText(i, tr(C, "{n} mm", n=self.paper.itemData(i)))
        self.resolve_button.setText(tr(C, "Resolve the selected difference…"))
        self.back.setText(tr(C, "Back"))
        self.table.setHorizontalHeaderLabels([
            tr(C, "Provider"), tr(C, "What"), tr(C, "Reference"), tr(C, "Here"),
            tr(C, "There")])
        self._show_shift()
        self._show_differences()
        if self.report is not None:
            self._render()

    # -- showing --

    async def refresh(self) -> None:
        """The shift as it is now, and its X report (or the Z report of a closed one)."""
        self.shift = await self.office.shifts.latest()
        self._reconciled = False
        self._show_shift()
        report = await self.office.x_report() if self.shift is not None else None
        if self.shift is not None:
            self.differences = await self.office.reconciler.differences(self.shift)
        self.report = report  # set with its rendering: never a report without its page
        self._render()
        self._show_differences()
        self.shift_changed.emit(self.shift if self.shift and self.shift.is_open else None)

    def _show_shift(self) -> None:
        shift = self.shift
        is_open = shift is not None and shift.is_open
        if shift is None:
            self.status.setText(tr(C, "No shift has been opened yet."))
        elif is_open:
            hours = int((utcnow() - shift.opened_at).total_seconds() // 3600)
            self.status.setText(tr(C, "Shift {number} · {cashier} · open since {when} ({hours} h)",
                                   number=shift.number, cashier=shift.cashier,
                                   when=f"{shift.opened_at.astimezone():%d.%m.%Y %H:%M}",
                                   hours=hours))
        else:
            assert shift.closed_at is not None
            self.status.setText(tr(C, "Shift {number} · {cashier} · closed {when}",
                                   number=shift.number, cashier=shift.cashier,
                                   when=f"{shift.closed_at.astimezone():%d.%m.%Y %H:%M}"))
        self.warning.setText(long_shift_warning(shift) if shift and shift.runs_long() else "")
        self.warning.setVisible(bool(self.warning.text()))
        self._enable()

    def _render(self) -> None:
        if self.report is None:
            self.html = ""
            self.view.setHtml("")
        else:
            names = {n: p.display_name for n, p in self.office.service.providers.items()}
            self.html = render_report(self.report, provider_names=names,
                                      store=self._config.store_name or tr(C, "Store"),
                                      terminal_id=self._config.terminal_id,
                                      width_mm=int(self.paper.currentData()))
            self.view.setHtml(self.html)
        self._enable()

    def _show_differences(self) -> None:
        rows = self.differences
        self.table.clearSelection()  # a row chosen in the old list means nothing in this one
        self.table.setRowCount(len(rows))
        names = {n: p.display_name for n, p in self.office.service.providers.items()}
        for row, d in enumerate(rows):
            what = KIND_LABELS[d.kind].render()
            if d.resolved:  # marked first, greyed: a cut column and no hover on a touch
                # screen hid that it was settled (issue 20 #20); what it was stays readable
                what = tr(C, "✓ {what} — resolved ({actor}: {reason})", what=what,
                          actor=d.resolved_by or "", reason=d.resolution or "")
            for column, text in enumerate((names.get(d.provider, d.provider), what,
                                           ref_text(d.ref), d.ours, d.theirs)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if d.resolved:
                    item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                self.table.setItem(row, column, item)
        unresolved = sum(not d.resolved for d in rows)
        self.table.setVisible(bool(rows))
        self.resolve_button.setVisible(unresolved > 0)
        self._enable()
        if self.shift is None or (not rows and not self._reconciled):
            self.differences_label.setText("")
        elif unresolved:
            self.differences_label.setText(trn(C, "Reconciliation: %n difference(s) to resolve.",
                                               unresolved))
        elif rows:
            self.differences_label.setText(tr(C, "Reconciliation: every difference is resolved."))
        else:
            self.differences_label.setText(tr(C, "Reconciliation: everything matches what the "
                                                 "providers say."))

    async def _close_despite_attention(self) -> bool:
        """Settled payments whose alert is not dealt with (a late payment's money to give
        back) are asked about before the Z report, not only listed in it (a walk); those not
        settled were asked about already."""
        from pos_app.core.journal import PaymentFilter

        alerts = await self.office.service.journal.count_payments(PaymentFilter(
            needs_attention=True, states=tuple(s for s in PaymentState if s.is_final)))
        return not alerts or await confirm(self, trn(
            C, "Payments that still need attention: %n — money to give back or a decision to "
               "take (see Needs attention). They stay there after the Z report. Close the "
               "shift anyway?", alerts))

    def selected(self) -> Difference | None:
        rows = self.table.selectionModel().selectedRows()
        # The list may have been read again (another shift) before the table was redrawn.
        row = rows[0].row() if rows else -1
        return self.differences[row] if 0 <= row < len(self.differences) else None

    # -- actions --

    async def open_shift(self, reason: str = "") -> Shift | None:
        dialog = OpenShiftDialog(self, reason=reason)
        if not await ask(dialog):
            return None
        shift = await with_progress(self, self.office.open_shift(dialog.cashier.text()),
                                    tr(C, "Opening the shift…"))
        await self.refresh()
        return shift

    async def _x_report(self) -> None:
        self.report = await self.office.x_report(self.shift.number if self.shift else None)
        self._render()

    async def _reconcile(self) -> bool:
        """Whether it ended.  Stop ends the asking (it keeps nothing): a walk's large shift
        was still being asked about, one payment after another, long after the cashier
        stopped waiting."""
        progress = ProgressDialog(self, tr(C, "Asking the providers about every payment of "
                                              "the shift…"),
                                  stop_text=tr(C, "Stop the reconciliation"))
        # Not the last run's "everything matches" under the new run's progress (a walk).
        self.differences_label.setText(tr(C, "Reconciliation in progress…"))
        task = asyncio.ensure_future(self.office.reconcile(
            self.shift.number if self.shift else None, progress=progress.set_progress))
        try:
            found = await with_progress(self, task, "", dialog=progress)
            if found is None:
                done, total = max(progress.bar.value(), 0), progress.bar.maximum()
                task.cancel()
                await asyncio.wait({task})
                # Not the last complete run's "everything matches" (helper-43), nor "0 of 0"
                # while the payments still in progress were settled first (helper-44).
                self._reconciled = False
                self.differences_label.setText(tr(
                    C, "Reconciliation stopped after {done} of {total} payments: not complete.",
                    done=done, total=total) if total else tr(
                    C, "Reconciliation stopped before any payment was compared: not complete."))
                return False
        finally:
            progress.deleteLater()
        self.differences = found
        self._reconciled = True
        self._show_differences()
        return True

    async def _close_shift(self) -> None:
        if not await self._ask_pin(tr(C, "Closing the shift needs the manager PIN.")):
            return
        who = CloseShiftDialog(self)
        if not await ask(who):
            return
        if not await self._reconcile():
            return  # stopped: no Z over a reconciliation that did not end
        unresolved = sum(not d.resolved for d in self.differences)
        if unresolved and not await confirm(self, trn(
                C, "The reconciliation left %n difference(s) unresolved. They stay listed "
                   "with this shift. Close the shift anyway?", unresolved)):
            return
        waiting = await self.office.unsettled()
        if waiting and not await confirm(self, tr(
                C, "Not settled yet: {payments}. If one ends paid after the Z report, it counts "
                   "in no report (an alert will say so). Close the shift anyway?",
                payments="; ".join(tr(C, "{amount} by {provider} ({state})",
                                      amount=p.amount.format(),
                                      provider=self.office.service.provider(p.provider)
                                      .display_name,
                                      state=describe_state(p.state).render())
                                   for p in waiting))):
            return
        if not await self._close_despite_attention():
            return
        self.report = await self.office.close_shift(actor=who.closer.text().strip())
        self.shift = await self.office.shifts.latest()
        self._reconciled = False
        self._show_shift()
        self._render()
        self.shift_changed.emit(None)
        if await confirm(self, tr(C, "Shift {number} is closed. Print the Z report for the "
                                     "records now?", number=self.report.shift_number)):
            await self._print()

    async def _resolve(self) -> None:
        difference = self.selected()
        if difference is None or difference.resolved:
            return
        if not await self._ask_pin(tr(C, "Resolving a difference needs the manager PIN.")):
            return
        summary = tr(C, "{what}: {ref}. Here: {ours}. At the provider: {theirs}.",
                     what=KIND_LABELS[difference.kind].render(), ref=ref_text(difference.ref),
                     ours=difference.ours or "—", theirs=difference.theirs or "—")
        dialog = DifferenceDialog(self, summary=summary)
        if not await ask(dialog):
            return
        await self.office.reconciler.resolve(difference.id, actor=dialog.actor.text().strip(),
                                             reason=dialog.reason.toPlainText().strip())
        assert self.shift is not None
        self.differences = await self.office.reconciler.differences(self.shift)
        self._show_differences()

    @property
    def width_mm(self) -> int:
        return int(self.paper.currentData())

    async def _print(self) -> None:
        printer = QPrinter(QPrinterInfo.printerInfo(self._config.ui.printer)) \
            if self._config.ui.printer else QPrinter()
        if await ask(print_dialog(printer, self)):
            print_html(self.html, printer, self.width_mm)

    async def save_pdf(self, path: Path | None = None) -> Path | None:
        if path is None:
            assert self.report is not None
            path = await choose_file(
                self, tr(C, "Save the report"), name_filter=tr(C, "PDF files (*.pdf)"),
                suggested=f"{self.report.kind}-report-shift-{self.report.shift_number}.pdf")
            if path is None:
                return None
        save_pdf(self.html, path, self.width_mm)
        show_info(self, tr(C, "Saved to {path}", path=str(path)))
        return path

    async def export(self) -> None:
        dialog = ExportDialog(self, folder=documents_folder())
        if not await ask(dialog):
            return
        path = Path(dialog.path.text().strip())
        stop = threading.Event()
        progress = ProgressDialog(self, tr(C, "Writing the payments to {path}…", path=str(path)),
                                  stop_text=tr(C, "Stop the export"))
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:  # on the export's thread
            loop.call_soon_threadsafe(progress.set_progress, done, total)

        task = asyncio.ensure_future(self.office.export(
            path, dialog.period, semicolon=dialog.semicolon.isChecked(), stop=stop,
            progress=report))
        try:
            if await with_progress(self, task, "", dialog=progress) is None:
                stop.set()  # the export ends within a batch of rows; its end is what is said
            count = await task
        except ExportStopped as stopped:
            show_info(self, stopped.message.render())
            return
        finally:
            progress.deleteLater()  # every report of the export has reached it by now
        show_info(self, trn(C, "%n payment(s) written to {path}", count, path=str(path)))


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def long_shift_warning(shift: Shift) -> str:
    return tr(C, "Shift {number} has been open for over 24 hours. Close it with the Z report.",
              number=shift.number)
