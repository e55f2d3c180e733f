"""Cold start: ``pos-app --demo --exit-after-start`` against a bare PySide6 script.

    uv run python -m tests.bench.bench_startup [--runs 5]

All run as fresh processes with the same interpreter, in turn, offscreen; the bare script
imports PySide6, shows one window and exits once it is painted.  The app starts fully: window
painted, sandboxes up, journal open, recovery done, then closes.  Prints the median of each
and their ratio to the bare script (target for the app: at most 1.5).

Two reference scripts show the floor under any app on this stack: the bare script that also
imports what the design requires before a payment can be taken (asyncio with qasync, httpx,
sqlite3), and that plus the training sandboxes' server (uvicorn, Starlette).  A live terminal
(the production path: no sandboxes in the process, all three providers configured, secrets
from the environment) is timed too, against a sandbox on loopback that it does not call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
{imports}
class Window(QLabel):
    def paintEvent(self, event):
        super().paintEvent(event)
        QTimer.singleShot(0, app.quit)  # shown means painted, as the app waits for
app = QApplication(sys.argv[:1])
window = Window("bare")
window.show()
sys.exit(app.exec())
"""


# Without httpx's own command line, as the app imports it (see pos_app/__init__.py).
STACK = "sys.modules['httpx._main'] = None\nimport asyncio, qasync, httpx, sqlite3"
SERVER = "import uvicorn, starlette.applications, starlette.routing"


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    # A plain blocking wait: with a timeout, Popen.wait polls with sleeps of up to 50 ms,
    # which rounded every measurement up to the next poll.
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    code = process.wait()
    ended = time.perf_counter()
    watchdog.cancel()
    if code != 0:
        raise subprocess.CalledProcessError(code, argv)
    return ended - started


def live_terminal(scratch: str, url: str) -> dict[str, str]:
    """The environment of a live terminal whose providers are the sandbox at ``url``."""
    from tests.helpers import write_live_config_all_providers

    config = Path(scratch) / "live.toml"
    write_live_config_all_providers(config, url)
    return {"POS_APP_CONFIG": str(config), "POS_APP_DATA_DIR": f"{scratch}/live-data",
            "POS_APP_KOSHELEK_LOGIN": "login", "POS_APP_KOSHELEK_PASSWORD": "password",
            "POS_APP_PAYMEGA_LOGIN": "login", "POS_APP_PAYMEGA_PASSWORD": "password",
            "POS_APP_PEGAS_TOKEN": "token"}


def main(argv: list[str] | None = None) -> int:
    from pos_app.sandbox.server import SandboxServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch, \
            SandboxServer() as sandbox:
        env = {k: v for k, v in os.environ.items()
               # An installed app runs from compiled bytecode: let the warm-up run write it.
               if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"QT_QPA_PLATFORM": "offscreen",
               "POS_APP_DATA_DIR": f"{scratch}/data", "POS_APP_LOG_DIR": f"{scratch}/logs",
               "POS_APP_CONFIG": f"{scratch}/terminal.toml"}
        live = env | live_terminal(scratch, sandbox.base_url)
        app = [sys.executable, "-m", "pos_app", "--exit-after-start"]
        runs: dict[str, tuple[list[str], dict[str, str]]] = {
            "bare PySide6 window": ([sys.executable, "-c", BARE.format(imports="")], env),
            "  + asyncio, qasync, httpx, sqlite3 (floor)": (
                [sys.executable, "-c", BARE.format(imports=STACK)], env),
            "  + uvicorn, Starlette (training floor)": (
                [sys.executable, "-c", BARE.format(imports=f"{STACK}\n{SERVER}")], env),
            "pos-app --demo --exit-after-start": ([*app, "--demo"], env),
            "pos-app --exit-after-start (live, 3 providers)": (app, live),
        }
        for argv, run_env in runs.values():  # the first start builds the .pyc files and caches
            timed(argv, run_env)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, (argv, run_env) in runs.items():
                times[name].append(timed(argv, run_env))
    bare = statistics.median(times["bare PySide6 window"])
    for name, values in times.items():
        median = statistics.median(values)
        sys.stdout.write(f"{name}: median {median * 1000:.0f} ms, {median / bare:.2f}x "
                         f"({', '.join(f'{t * 1000:.0f}' for t in values)})\n")
    sys.stdout.write("target for pos-app --demo: <= 1.50x\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
