"""A throwaway PostgreSQL cluster from the installed server binaries (Debian's ``postgresql``
package), for a demonstration and the tests: its own data folder, socket and port, ``fsync``
off — never for real data.  Stopped and removed at the end.  Run as root, the server runs as
the ``postgres`` user, as PostgreSQL refuses root."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PACKAGE = "postgresql"  # Debian's: the server binaries under /usr/lib/postgresql/<n>/bin


def server_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bin_dir: Path, root: Path, *, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable  # fsync on: commits survive a power cut (benchmarks)
        self.data = root / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Our own list: the server binaries found above, no shell.
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                   f"{self.data} -c max_connections=200")
        if not self.durable:  # a throwaway: speed over surviving a crash of the machine
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60", "-l",
                  str(self.data / "server.log"), "start")

    def stop(self, *, immediate: bool = False) -> None:
        """``immediate``: as if the server died (no checkpoint; recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate" if immediate else "fast",
                  "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@contextlib.contextmanager
def cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """A running cluster; raises RuntimeError naming the package when there is no server."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise RuntimeError(f"PostgreSQL's server is not installed: apt-get install -y {PACKAGE}")
    root = Path(tempfile.mkdtemp(prefix="pos-pg-"))
    try:
        running = Cluster(bin_dir, root, durable=durable)
        running.start()
        try:
            yield running
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                running.stop(immediate=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
