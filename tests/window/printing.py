"""A real print queue for the real-window tests: a private cupsd with a cups-pdf queue.

The app (a separate process) prints through Qt's CUPS plugin exactly as at a register; the
test reads the PDF the queue wrote. Nothing system-wide is configured: the cupsd has its own
config, spool, logs and Unix socket in a temporary folder and listens on no TCP port, so it
runs next to a system cupsd or without one. The one exception is cups-pdf's own settings:
the backend reads them only from /etc/cups (compiled in, CP_CONFIG_PATH) and values from the
PPD cannot hold a '/', so the queue gets a per-queue file /etc/cups/cups-pdf-<tag>.conf that
the fixture writes and removes.

Root only: cups-pdf refuses to run unless cupsd starts it as root (mode 0700 backend).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pypdfium2
import pytest

QUEUE_NAME = "pos-pdf"
DEBIAN_PACKAGES = "cups cups-client printer-driver-cups-pdf poppler-utils"
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
CUPS_SERVER_BIN = Path("/usr/lib/cups")
# A short, world-traversable parent: filters run as user lp and must reach the spool, and a
# Unix socket path has at most 107 bytes (pytest's tmp dirs are 0700 and deep).
TMP_PARENT = Path("/tmp")  # noqa: S108
TAG_PREFIX = "pos-cups-"
POLL = 0.05

_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin"])
_JOB_ID = re.compile(r"job_(\d+)")


class PrintQueueUnavailable(RuntimeError):
    """The machine cannot host the test print queue (missing packages, not root, ...)."""


@dataclass
class PrintQueue:
    """A running cups-pdf queue; `env` points an app's libcups at it as the default printer."""

    name: str
    env: dict[str, str]
    out_dir: Path
    root: Path
    _returned: set[Path] = field(default_factory=set, repr=False)

    def pdfs(self) -> set[Path]:
        """Every PDF the queue has written so far (complete or still being written)."""
        return {path for path in self.out_dir.glob("*.pdf") if path.is_file()}

    def wait_for_pdf(self, *, after: set[Path] | None = None, timeout: float = 30) -> Path:
        """The oldest complete PDF not in `after` (default: not yet returned by this method).

        Complete means cupsd reports its job finished (cups-pdf writes the file with gs in
        place, so a file can be seen half written) and the file ends with %%EOF.
        """
        known = self._returned if after is None else after
        deadline = time.monotonic() + timeout
        while True:
            new = self.pdfs() - known
            if new:
                unfinished = self.unfinished_jobs()
                ready = sorted((p for p in new if _complete(p, unfinished)), key=_write_order)
                if ready:
                    self._returned.add(ready[0])
                    return ready[0]
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no new complete PDF in {self.out_dir} within {timeout:g} s"
                                   f" (new but unfinished: {sorted(map(str, new))})\n"
                                   + self.diagnostics())
            time.sleep(POLL)

    def unfinished_jobs(self) -> set[int]:
        """Ids of the queue's jobs that cupsd has not finished (pending, held, processing)."""
        listing = self.lpstat("-W", "not-completed", "-o", self.name)
        return {int(m.group(1)) for m in re.finditer(rf"^{re.escape(self.name)}-(\d+)\s",
                                                     listing, re.MULTILINE)}

    def lpstat(self, *args: str) -> str:
        """lpstat against this cupsd (C locale, so the output can be parsed)."""
        return _run_cups("lpstat", *args, env=self._client_env()).stdout

    def diagnostics(self) -> str:
        """The queue's state and log tails, for a failure message."""
        env = self._client_env()
        parts = [_run_cups("lpstat", "-l", "-p", self.name, env=env, check=False).stdout,
                 _run_cups("lpstat", "-W", "all", "-o", self.name, env=env, check=False).stdout,
                 f"files in {self.out_dir}: {sorted(p.name for p in self.out_dir.iterdir())}"]
        for log, lines in ((self.root / "log" / "error_log", 60),
                           (self.root / "log" / f"cups-pdf-{self.name}_log", 30)):
            parts.append(f"--- last {lines} lines of {log}:\n{_tail(log, lines)}")
        return "\n".join(parts)

    def _client_env(self) -> dict[str, str]:
        return {**os.environ, **self.env, "LC_ALL": "C"}


def pdf_text(path: Path) -> str:
    """The text of every page (pypdfium2), one line per text line, runs of blanks as one space.

    pdfium separates words that the PostScript round trip placed one by one with tabs.
    """
    document = pypdfium2.PdfDocument(path)
    try:
        pages = [str(document[index].get_textpage().get_text_range())
                 for index in range(len(document))]
    finally:
        document.close()
    return "\n".join(" ".join(line.split()) for page in pages for line in page.splitlines())


@pytest.fixture(scope="session", name="print_queue")
def print_queue_fixture() -> Iterator[PrintQueue]:
    """One private cupsd with the cups-pdf queue `pos-pdf` for the whole session."""
    try:
        with private_print_queue() as queue:
            yield queue
    except PrintQueueUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@contextmanager
def private_print_queue(name: str = QUEUE_NAME) -> Iterator[PrintQueue]:
    """Start a private cupsd with a default cups-pdf queue; stop it and clean up at the end."""
    binaries = _check_prerequisites()
    _remove_stale_sessions()
    root = Path(tempfile.mkdtemp(prefix=TAG_PREFIX, dir=TMP_PARENT))
    lock = _lock_session(root)
    cups_pdf_conf = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{root.name}.conf"
    daemon: subprocess.Popen[bytes] | None = None
    try:
        root.chmod(0o755)
        socket = root / "cups.sock"
        out_dir = _write_configs(root, socket, cups_pdf_conf)
        env = {"CUPS_SERVER": str(socket), "LPDEST": name, "PRINTER": name}
        queue = PrintQueue(name=name, env=env, out_dir=out_dir, root=root)
        daemon = _start_cupsd(root, binaries["cupsd"])
        _wait_until_answering(queue, daemon)
        _add_queue(queue, device_uri=f"cups-pdf:/{root.name}")
        yield queue
    finally:
        if daemon is not None:
            _stop(daemon)
        cups_pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)
        lock.close()


def _check_prerequisites() -> dict[str, str]:
    """The needed programs and files, or a message naming the Debian packages to install."""
    programs = {"cupsd": "cups", "lpadmin": "cups-client", "lpstat": "cups-client",
                "pdftocairo": "poppler-utils",
                "gs": "ghostscript, a dependency of printer-driver-cups-pdf"}
    found = {prog: shutil.which(prog, path=_SEARCH_PATH) for prog in programs}
    missing = [f"{prog} ({programs[prog]})" for prog, where in found.items() if where is None]
    files = {CUPS_SERVER_BIN / "backend" / "cups-pdf": "printer-driver-cups-pdf",
             CUPS_PDF_PPD: "printer-driver-cups-pdf",
             CUPS_SERVER_BIN / "filter" / "pdftops": "cups-filters, a dependency of cups",
             CUPS_SERVER_BIN / "filter" / "pdftopdf": "cups-filters, a dependency of cups"}
    missing += [f"{path} ({package})" for path, package in files.items() if not path.exists()]
    if missing:
        raise PrintQueueUnavailable(
            "The window tests print to a real CUPS queue (cupsd + cups-pdf), but this machine"
            f" lacks: {', '.join(missing)}.\nInstall the Debian packages:"
            f" apt-get install -y {DEBIAN_PACKAGES}")
    if os.geteuid() != 0:
        raise PrintQueueUnavailable(
            "The test print queue needs root: cupsd runs the cups-pdf backend (mode 0700) as"
            " root only when cupsd itself is root, and cups-pdf reads its settings from"
            f" {CUPS_PDF_CONFIG_DIR}. Run the window tests as root (as CI does).")
    return {prog: where for prog, where in found.items() if where is not None}


def _lock_session(root: Path) -> IO[str]:
    """Hold a lock on `root` while the session lives; it appears under its name locked."""
    pending = root / "session.lock.new"
    handle = pending.open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    pending.rename(root / "session.lock")
    return handle


def _remove_stale_sessions() -> None:
    """Folders and cups-pdf files of earlier sessions that died before their cleanup.

    A session's folder is stale when nobody holds its lock (their cupsd died with them:
    setpriv --pdeathsig); a cups-pdf file is stale when its folder is gone.
    """
    for root in TMP_PARENT.glob(f"{TAG_PREFIX}*"):
        try:
            handle = (root / "session.lock").open()  # never create it: may be starting
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(root, ignore_errors=True)
    for conf in CUPS_PDF_CONFIG_DIR.glob(f"cups-pdf-{TAG_PREFIX}*.conf"):
        tag = conf.name.removeprefix("cups-pdf-").removesuffix(".conf")
        if not (TMP_PARENT / tag).is_dir():
            conf.unlink(missing_ok=True)


def _write_configs(root: Path, socket: Path, cups_pdf_conf: Path) -> Path:
    """cupsd's two config files under `root` and cups-pdf's per-queue file; the PDF folder."""
    etc, spool, out, gs_tmp = root / "etc", root / "spool", root / "out", root / "gstmp"
    for folder in (etc, spool / "tmp", root / "cache", root / "run", root / "log"):
        folder.mkdir(parents=True)
    # cups-pdf writes as the job's user, or as `nobody` for a user this machine does not
    # know (then into AnonDirName): both must be able to write here and in gs's TMPDIR,
    # else gs fails and cups-pdf still reports success, without a PDF.
    for folder in (out, gs_tmp):
        folder.mkdir()
        folder.chmod(0o1777)
    (etc / "cups-files.conf").write_text(f"""\
# Private cupsd of tests/window/printing.py: every path its own.
ServerRoot {etc}
RequestRoot {spool}
TempDir {spool / "tmp"}
CacheDir {root / "cache"}
StateDir {root / "run"}
ServerKeychain {etc / "ssl"}
Printcap {root / "run" / "printcap"}
ErrorLog {root / "log" / "error_log"}
AccessLog {root / "log" / "access_log"}
PageLog {root / "log" / "page_log"}
ServerBin {CUPS_SERVER_BIN}
User lp
Group lp
SystemGroup root
FileDevice No
""")
    (etc / "cupsd.conf").write_text(f"""\
# Only a Unix socket: no TCP port to collide with a system cupsd or another session.
Listen {socket}
LogLevel debug
MaxLogSize 0
Browsing No
BrowseLocalProtocols none
DefaultShared No
WebInterface No
# A failing job must not stop the queue for the tests after it.
ErrorPolicy abort-job
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit CUPS-Add-Modify-Printer CUPS-Delete-Printer CUPS-Add-Modify-Class CUPS-Delete-Class CUPS-Set-Default CUPS-Get-Devices>
    AuthType Default
    Require user @SYSTEM
    Order deny,allow
  </Limit>
  <Limit Validate-Job Cancel-Jobs Cancel-My-Jobs Close-Job CUPS-Get-Document All>
    Order deny,allow
  </Limit>
</Policy>
""")  # noqa: E501
    # Read instead of /etc/cups/cups-pdf.conf (whose Out is ${HOME}/PDF) for the device URI
    # cups-pdf:/<tag>. Label 2 ends every name with -job_<id>: without it a second job with
    # the same title replaces the first PDF. TitlePref 1 names the file after the job title
    # (the title cups-pdf digs out of the PostScript comes with stray bytes).
    cups_pdf_conf.write_text(f"""\
# Written by tests/window/printing.py for the private cupsd in {root}; removed at its end.
Out {out}
AnonDirName {out}
AnonUser nobody
Spool {root / "cups-pdf-spool"}
GSTmp {gs_tmp}
Log {root / "log"}
LogType 7
Grp lp
UserUMask 0022
AnonUMask 0022
Label 2
TitlePref 1
""")
    return out


def _start_cupsd(root: Path, cupsd: str) -> subprocess.Popen[bytes]:
    """cupsd in the foreground; setpriv makes the kernel stop it if pytest dies first."""
    etc = root / "etc"
    command = [cupsd, "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")]
    setpriv = shutil.which("setpriv", path=_SEARCH_PATH)
    if setpriv is not None:
        command = [setpriv, "--pdeathsig", "TERM", *command]
    with (root / "log" / "cupsd.out").open("wb") as output:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output,
                                stderr=subprocess.STDOUT, cwd=root)


def _wait_until_answering(queue: PrintQueue, daemon: subprocess.Popen[bytes],
                          timeout: float = 20) -> None:
    """Poll `lpstat -r` until the scheduler answers on its socket."""
    deadline = time.monotonic() + timeout
    while True:
        if daemon.poll() is not None:
            raise PrintQueueUnavailable(
                f"cupsd exited with status {daemon.returncode} at start:\n"
                f"{_tail(queue.root / 'log' / 'cupsd.out', 30)}\n"
                f"{_tail(queue.root / 'log' / 'error_log', 30)}")
        status = _run_cups("lpstat", "-r", env=queue._client_env(), check=False)
        if status.stdout.strip() == "scheduler is running":
            return
        if time.monotonic() >= deadline:
            raise PrintQueueUnavailable(
                f"cupsd did not answer on {queue.env['CUPS_SERVER']} within {timeout:g} s:\n"
                f"{status.stdout}{status.stderr}{_tail(queue.root / 'log' / 'error_log', 30)}")
        time.sleep(POLL)


def _add_queue(queue: PrintQueue, *, device_uri: str) -> None:
    """Create, enable and accept the queue and make it the server's default destination.

    Its PDF is converted to PostScript for cups-pdf; Debian's default converter (Ghostscript)
    turns the fonts into Type 3 glyphs whose text cannot be extracted, pdftocairo keeps it.
    """
    env = queue._client_env()
    _run_cups("lpadmin", "-p", queue.name, "-E", "-v", device_uri, "-P", str(CUPS_PDF_PPD),
              "-o", "pdftops-renderer-default=pdftocairo", "-o", "printer-is-shared=false",
              env=env)
    _run_cups("lpadmin", "-d", queue.name, env=env)
    default = queue.lpstat("-d")
    state = queue.lpstat("-p", queue.name)
    if queue.name not in default or "enabled" not in state:
        raise PrintQueueUnavailable(f"queue {queue.name} not ready:\n{default}{state}")


def _stop(daemon: subprocess.Popen[bytes]) -> None:
    """SIGTERM (cupsd stops its jobs and exits), SIGKILL if it hangs."""
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=15)


def _run_cups(program: str, *args: str, env: dict[str, str],
              check: bool = True) -> subprocess.CompletedProcess[str]:
    """A CUPS client command; on failure its output is in the error."""
    path = shutil.which(program, path=_SEARCH_PATH) or program
    result = subprocess.run([path, *args], env=env, capture_output=True, text=True,
                            timeout=30, check=False)
    if check and result.returncode != 0:
        raise PrintQueueUnavailable(f"{program} {' '.join(args)} failed"
                                    f" ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def _complete(path: Path, unfinished_jobs: set[int]) -> bool:
    """The file's job is done and the file ends with %%EOF.

    Label 2 puts -job_<id> last in the name; without an id, no job of the queue may be left.
    """
    ids = _JOB_ID.findall(path.name)
    if (int(ids[-1]) in unfinished_jobs) if ids else bool(unfinished_jobs):
        return False
    try:
        with path.open("rb") as pdf:
            pdf.seek(max(0, pdf.seek(0, os.SEEK_END) - 1024))
            return b"%%EOF" in pdf.read()
    except OSError:
        return False


def _write_order(path: Path) -> tuple[int, str]:
    with suppress(OSError):
        return path.stat().st_mtime_ns, path.name
    return 0, path.name


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"({error})"
