"""``pos-app --self-test``: every check reported, exit 0 only if all pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pos_app import selftest
from pos_app.cli import main


def test_a_good_installation_passes(capsys: pytest.CaptureFixture[str],
                                    isolated_dirs: Path) -> None:
    before = dict(os.environ)
    assert main(["--self-test"]) == 0
    out = capsys.readouterr().out
    for name in ("imports", "Qt platform", "translations", "keyring", "QR rendering",
                 "journal", "payment koshelek", "payment paymega", "payment pegas"):
        assert f"  {name}" in out
    assert "FAIL" not in out
    assert out.strip().splitlines()[-1].startswith("self-test: passed in ")
    # It worked in a scratch folder: the terminal's own journal is untouched.
    assert not (isolated_dirs / "data").exists()
    assert dict(os.environ) == before


def test_a_broken_installation_says_what_failed(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "MODULES", (*selftest.MODULES, "no_such_module_here"))
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  imports" in out
    assert "No module named 'no_such_module_here'" in out
    assert "ok    payment koshelek" in out  # the other checks still ran
    assert "self-test: FAILED: imports" in out
