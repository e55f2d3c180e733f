"""The cashier window as its own process, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "pos_app", *argv], capture_output=True,
                          text=True, timeout=120, env=env, check=False)


def test_demo_starts_fully_and_exits(isolated_dirs: Path) -> None:
    done = run("--demo", "--exit-after-start")
    assert done.returncode == 0, done.stderr
    assert (isolated_dirs / "data" / "journal-training.sqlite3").exists()
    assert "Traceback" not in done.stderr


def test_live_without_configuration_needs_the_setup(isolated_dirs: Path) -> None:
    done = run("--exit-after-start")
    assert done.returncode == 2
    assert not (isolated_dirs / "data" / "journal.sqlite3").exists()


def test_the_windowed_executable_without_console_streams_exits_cleanly(
        isolated_dirs: Path) -> None:
    """The windowed Windows executable has no stdout/stderr (both None)."""
    code = ("import sys; sys.stdout = sys.stderr = None; from pos_app.cli import main; "
            "main(['--demo', '--exit-after-start'])")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr  # (Qt still writes its notes to the file descriptor)
    log = (isolated_dirs / "logs" / "pos-app.log").read_text(encoding="utf-8")
    assert "sandbox-server listening" in log  # the log file was written and flushed
