"""Cold start: the app's first usable sale screen and its full start, against bare scripts.

    uv run python -m tests.bench.bench_startup [--runs 5] [--bundle dist/pos-app/pos-app]

All run as fresh processes with the same interpreter, in turn, offscreen; the bare script
imports PySide6, shows one window and exits once it is painted.  Two starts of the app are
timed (issue 17):

- the first usable sale screen (``--exit-after-paint``): the window with the sale screen
  painted, taking keys, Pay saying "Starting…"; target at most 1.5x the bare window;
- the full start (``--exit-after-start``): window painted, sandboxes up, journal open,
  recovery done, then closed; target at most 1.3x the matching floor below.

Two reference scripts show the floor under any app on this stack: the bare script that also
imports what the design requires before a payment can be taken (asyncio with qasync, httpx,
sqlite3), and that plus the training sandboxes' server (uvicorn, Starlette).  A live terminal
(the production path: no sandboxes, all three providers configured, secrets from the
environment) is timed against the first floor, ``--demo`` against the second.  The frozen
bundle's full start is printed beside them when it is built (``packaging/build.py``).
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
BARE_RUN = "bare PySide6 window"
FLOOR = "  + asyncio, qasync, httpx, sqlite3 (floor)"
TRAINING_FLOOR = "  + uvicorn, Starlette (training floor)"
BUNDLE = Path(__file__).resolve().parents[2] / "dist" / "pos-app" / "pos-app"


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
    parser.add_argument("--bundle", type=Path, default=BUNDLE,
                        help="the frozen app to time beside the others (if it exists)")
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
        app = [sys.executable, "-m", "pos_app"]
        runs: dict[str, tuple[list[str], dict[str, str]]] = {
            BARE_RUN: ([sys.executable, "-c", BARE.format(imports="")], env),
            FLOOR: ([sys.executable, "-c", BARE.format(imports=STACK)], env),
            TRAINING_FLOOR: (
                [sys.executable, "-c", BARE.format(imports=f"{STACK}\n{SERVER}")], env),
            "sale screen usable: pos-app --demo --exit-after-paint": (
                [*app, "--demo", "--exit-after-paint"], env),
            "sale screen usable: pos-app --exit-after-paint (live)": (
                [*app, "--exit-after-paint"], live),
            "full start: pos-app --demo --exit-after-start": (
                [*app, "--demo", "--exit-after-start"], env),
            "full start: pos-app --exit-after-start (live, 3 providers)": (
                [*app, "--exit-after-start"], live),
        }
        if args.bundle.exists():
            runs["frozen bundle: pos-app --demo --exit-after-start"] = (
                [str(args.bundle), "--demo", "--exit-after-start"], env)
        for argv, run_env in runs.values():  # the first start builds the .pyc files and caches
            timed(argv, run_env)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, (argv, run_env) in runs.items():
                times[name].append(timed(argv, run_env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        reference, target = _reference(name)
        ratio = medians[name] / medians[reference]
        verdict = "" if target is None else \
            f"  [{ratio:.2f}x {_short(reference)}, target <= {target:.2f}x]"
        sys.stdout.write(f"{name}: median {medians[name] * 1000:.0f} ms, "
                         f"{medians[name] / medians[BARE_RUN]:.2f}x bare{verdict} "
                         f"({', '.join(f'{t * 1000:.0f}' for t in values)})\n")
    if not args.bundle.exists():
        sys.stdout.write(f"frozen bundle: not built ({args.bundle}; packaging/build.py)\n")
    return 0


def _reference(name: str) -> tuple[str, float | None]:
    """What a run is measured against, and its target (issue 17)."""
    if name.startswith("sale screen usable"):
        return BARE_RUN, 1.5
    if name.startswith("full start") or name.startswith("frozen"):
        return (TRAINING_FLOOR, 1.3) if "--demo" in name else (FLOOR, 1.3)
    return BARE_RUN, None


def _short(name: str) -> str:
    return name.strip(" +").split("(")[-1].rstrip(")") if "(" in name else name


if __name__ == "__main__":
    sys.exit(main())
