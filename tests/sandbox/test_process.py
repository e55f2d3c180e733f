"""Training mode's sandboxes in a process of their own (pos_app/sandbox/process.py)."""

from __future__ import annotations

import sys

import httpx
import pytest

from pos_app.sandbox import process
from pos_app.sandbox.process import SandboxProcess, SandboxUnavailable


def test_the_child_says_where_it_listens_and_ends_with_its_register() -> None:
    child = SandboxProcess.start()
    try:
        answer = child.ready()
        credentials = httpx.get(f"{answer['base_url']}/_sandbox/credentials", timeout=10).json()
        assert credentials["koshelek"] == answer["koshelek"]
    finally:
        child.stop()  # its standard input closes: it ends by itself
    assert child.wait(timeout=30) == 0


def test_a_child_that_does_not_answer_properly_is_unavailable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The register then runs the sandboxes itself (pos_app/ui/app.py)."""
    monkeypatch.setattr(process, "_command", lambda: [sys.executable, "-c", "print('hello')",
                                                      "--"])
    child = SandboxProcess.start()
    with pytest.raises(SandboxUnavailable, match="hello"):
        child.ready(timeout=30)
