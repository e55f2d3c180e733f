"""One process at a time drives the payments of a journal.

Two registers' processes resending each other's requests would still be safe
(idempotency keys), but two drivers of one payment could cancel what the other is
completing.  Read-only commands (history) do not take the lock.

The lock is ``<journal>.lock``; someone deleting it while a ``pay`` runs let a second one
in (issue 16 #13).  So on Linux the journal file itself is locked too (``flock``, which
SQLite's own ``fcntl`` byte locks do not see).  On Windows an open file cannot be deleted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from pos_app.i18n import UserError, msg


class TerminalBusy(UserError):
    pass


class JournalLock:
    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.path = journal.with_name(journal.name + ".lock")
        self._fd: int | None = None
        self._journal_fd: int | None = None

    def acquire(self) -> None:
        """Take ``<journal>.lock`` and, where it exists, the journal; TerminalBusy if held."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only mount, a folder that cannot be made
            raise UserError(msg("Journal", "The journal folder {folder} cannot be used ({error}). "
                                           "Check journal.dir in the configuration.",
                                folder=str(self.path.parent), error=exc.strerror or str(exc))
                            ) from None
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise self._busy() from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        try:
            self.hold_journal()
        except TerminalBusy:
            self.release()
            raise

    def hold_journal(self) -> None:
        """Lock the journal file itself (Linux); call again once a new journal exists.

        Its descriptor stays open until :meth:`release`, after the journal is closed:
        closing any descriptor of a file drops the process's ``fcntl`` locks on it, SQLite's
        included.
        """
        if not _LOCKS_JOURNAL or self._journal_fd is not None or not self.journal.exists():
            return
        fd = os.open(self.journal, os.O_RDONLY)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)  # nothing of SQLite's is open here yet in this process
            raise self._busy() from None
        self._journal_fd = fd

    def _busy(self) -> TerminalBusy:
        return TerminalBusy(msg("Journal", "Another pos-app process is using the journal {path} "
                                           "(is the cashier window open?). Try again when it "
                                           "has finished.", path=str(self.journal)))

    def release(self) -> None:
        for fd in (self._journal_fd, self._fd):
            if fd is not None:
                _unlock(fd)
                os.close(fd)
        self._fd = self._journal_fd = None

    def __enter__(self) -> JournalLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


_LOCKS_JOURNAL = sys.platform.startswith("linux")

if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
