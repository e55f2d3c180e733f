"""What a manager sees of the head office (issue 19), on a tab of the Settings screen: whether
this register's journal reaches it (sent, waiting, not answering, stopped and why), and which
configuration and catalog releases it runs (applied, waiting for the register to be free,
refused by its checks).  Payments never depend on any of it; the texts say so where a
manager could fear otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shiboken6 import isValid

from pos_app.core.journal import shipping
from pos_app.headoffice.wire import RELEASE_KINDS
from pos_app.i18n import Message, tr
from pos_app.ui.qt import QTimer, QVBoxLayout, QWidget
from pos_app.ui.support import spawn
from pos_app.ui.widgets import caption

if TYPE_CHECKING:
    from pos_app.app import Runtime
    from pos_app.headoffice.releases import ReleaseApplier
    from pos_app.headoffice.shipper import Shipper

C = "HeadOffice"
REFRESH_MS = 2000  # while the tab is shown


def _time(at: datetime | str | None) -> str:
    if at is None:
        return "—"
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    return f"{when.astimezone():%d.%m %H:%M}"


def journal_line(shipper: Shipper) -> str:
    """How this register's journal reaches the head office, in the reader's language."""
    go_on = tr(C, "Payments go on as usual.")
    stopped = {
        "restored": tr(C, "Sending is stopped: the head office has more of this journal than "
                          "this register (was a backup restored?). Call the head office."),
        "diverged": tr(C, "Sending is stopped: this journal differs from what the head office "
                          "received. Call the head office."),
        "credential": tr(C, "Sending is stopped: the head office refuses this terminal's "
                            "credential (it was revoked or replaced). To resume, ask the head "
                            "office to enrol the terminal again (pos-app office enrol) and to "
                            "give you the new credential; store it on this register with "
                            "“pos-app config set-secret headoffice.credential” and restart the "
                            "application."),
        "another_terminal": tr(C, "Sending is stopped: the head office says this journal "
                                  "belongs to another terminal. Call the head office."),
        "unreadable": tr(C, "Sending is stopped: the head office cannot read what this "
                            "register sends. Call support."),
    }
    if shipper.stopped_code is not None:
        waiting = tr(C, "Events waiting to be sent: {n}.", n=shipper.backlog) \
            if shipper.cursor is not None else ""
        return " ".join(filter(None, (stopped.get(shipper.stopped_code, stopped["unreadable"]),
                                      waiting, go_on)))
    if shipper.trouble is not None:
        last = (tr(C, "last answer at {time}", time=_time(shipper.reached_at))
                if shipper.reached_at else tr(C, "no answer since the start"))
        if shipper.cursor is None:  # how much waits is not known before its first answer
            return tr(C, "The head office does not answer ({last}). Events wait here and are "
                         "sent when it answers.", last=last) + " " + go_on
        return tr(C, "The head office does not answer ({last}). {n} events wait here and are "
                     "sent when it answers.", last=last, n=shipper.backlog) + " " + go_on
    if shipper.cursor is None:
        return tr(C, "Connecting to the head office…")
    if shipper.backlog:
        return tr(C, "Sending the journal: {n} events to go.", n=shipper.backlog)
    return tr(C, "The journal is all sent (last answer at {time}).",
              time=_time(shipper.reached_at))


def release_lines(kind: str, seen: Mapping[str, Any] | None, waiting: int | None) -> list[str]:
    """Which release of ``kind`` this register runs (what changed), which one waits, which
    one its checks refused and why — in the reader's language."""
    what = tr(C, "Configuration") if kind == "config" else tr(C, "Product catalog")
    applied = (seen or {}).get("applied")
    refused = (seen or {}).get("refused")
    lines = []
    if applied is not None:
        lines.append(tr(C, "{what}: version {version}, applied {time}.", what=what,
                        version=applied["version"], time=_time(applied["at"])))
        if applied.get("changed"):
            lines[0] += " " + tr(C, "Changed: {keys}.", keys=", ".join(applied["changed"]))
    if refused is not None:
        problems = "; ".join(Message.from_json(m).render() for m in refused["messages"][:3])
        lines.append(tr(C, "{what}: version {version} was refused by this register's checks "
                           "and is not used: {problems}", what=what,
                        version=refused["version"], problems=problems or "—"))
    if waiting is not None:
        lines.append(tr(C, "{what}: version {version} has arrived and is applied when the "
                           "register is free (no sale or payment in progress, Settings "
                           "closed).", what=what, version=waiting))
    if not lines:
        lines.append(tr(C, "{what}: no release from the head office in use yet.", what=what))
    return lines


def state_lines(runtime: Runtime, seen: Mapping[str, Mapping[str, Any]], *,
                restart_for: tuple[int, list[str]] | None) -> list[str]:
    """The tab's paragraphs."""
    if runtime.training:
        return [tr(C, "Training mode: nothing is sent to the head office.")]
    url = runtime.config.head_office.url
    if not url:
        return [tr(C, "No head office is set up: this register works on its own.")]
    lines = [tr(C, "Head office: {url}", url=url)]
    if runtime.shipper is None:
        return [*lines, tr(C, "This terminal's head-office credential is not stored, so "
                              "nothing is sent. Store it with: pos-app config set-secret "
                              "headoffice.credential")]
    lines.append(journal_line(runtime.shipper))
    releases: ReleaseApplier | None = runtime.releases
    waiting = releases.waiting if releases is not None else {}
    for kind in RELEASE_KINDS:
        lines += release_lines(kind, seen.get(kind), waiting.get(kind))
    if releases is not None and releases.stopped:
        lines.append(tr(C, "New releases are not asked for either, until the terminal is "
                           "enrolled again and the application restarted."))
    if restart_for is not None:
        lines.append(tr(C, "Configuration version {version} changed settings that take effect "
                           "after a restart of the application: {keys}.",
                        version=restart_for[0], keys=", ".join(restart_for[1])))
    return lines


class HeadOfficePanel(QWidget):
    """The Settings screen's "Head office" tab; refreshed while shown."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__()
        self.setObjectName("headOfficePanel")
        self._runtime = runtime
        # A configuration release's settings that wait for a restart: (version, keys).
        self.restart_for: tuple[int, list[str]] | None = None
        self.state = caption(points=12, name="headOfficeState")
        self.state.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: Any) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        spawn(self._refresh(), parent=self)

    async def _refresh(self) -> None:
        seen = (await self._runtime.journal.read_apart(shipping.releases_seen)
                if self._runtime.releases is not None else {})
        if isValid(self.state):  # the window may have closed while the journal was read
            self.show_state(seen)

    def show_state(self, seen: Mapping[str, Mapping[str, Any]]) -> None:
        self.state.setText("\n\n".join(state_lines(self._runtime, seen,
                                                   restart_for=self.restart_for)))

    def retranslate(self) -> None:
        self.refresh()
