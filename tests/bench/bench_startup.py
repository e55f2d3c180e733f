"""Cold start: ``pos-app --demo --exit-after-start`` against a bare PySide6 script.

    uv run python -m tests.bench.bench_startup [--runs 5]

Both run as fresh processes with the same interpreter, alternately, offscreen; the bare
script imports PySide6, shows one window and exits once it is shown.  The app starts fully:
window painted, sandboxes up, journal open, recovery done, then closes.  Prints the median
of each and their ratio (target: at most 1.5).
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

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
window = QLabel("bare")
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        env = {k: v for k, v in os.environ.items()
               # An installed app runs from compiled bytecode: let the warm-up run write it.
               if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"QT_QPA_PLATFORM": "offscreen",
               "POS_APP_DATA_DIR": f"{scratch}/data", "POS_APP_LOG_DIR": f"{scratch}/logs",
               "POS_APP_CONFIG": f"{scratch}/terminal.toml"}
        app = [sys.executable, "-m", "pos_app", "--demo", "--exit-after-start"]
        bare = [sys.executable, "-c", BARE]
        timed(app, env)  # the first start builds the translation cache and the .pyc files
        timed(bare, env)
        apps, bares = [], []
        for _ in range(args.runs):
            bares.append(timed(bare, env))
            apps.append(timed(app, env))
    app_median, bare_median = statistics.median(apps), statistics.median(bares)
    sys.stdout.write(
        f"bare PySide6 window: median {bare_median * 1000:.0f} ms "
        f"({', '.join(f'{t * 1000:.0f}' for t in bares)})\n"
        f"pos-app --demo --exit-after-start: median {app_median * 1000:.0f} ms "
        f"({', '.join(f'{t * 1000:.0f}' for t in apps)})\n"
        f"ratio: {app_median / bare_median:.2f} (target <= 1.5)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
