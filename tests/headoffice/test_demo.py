"""``pos-app office --demo``: one command, a throwaway PostgreSQL, simulated registers paying
and shipping, the page to look at (issue 19); without the server binaries, a sentence naming
the Debian package."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pos_app.cli import main
from pos_app.headoffice import cluster
from pos_app.headoffice.cluster import Cluster


def test_the_demonstration_runs_until_it_has_payments(pg_cluster: Cluster) -> None:
    """(``pg_cluster``: the server binaries are installed; the demo starts its own.)"""
    done = subprocess.run([sys.executable, "-m", "pos_app", "office", "--demo", "--payments",
                           "6", "--no-browser"], capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "Head office: http://127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_postgresql_it_names_the_package(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "server_bin", lambda: None)
    assert main(["office", "--demo", "--no-browser"]) == 2
    _, err = capsys.readouterr()
    assert "PostgreSQL's server is not installed: apt-get install -y postgresql" in err


def test_office_without_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["office"]) == 2
    assert "give an action (serve, enrol, revoke) or --demo" in capsys.readouterr().err
