"""The OS keyring cannot run here; a live register in a real window keeps its secrets in this
one: a JSON file named by ``$POS_TEST_KEYRING`` (test data only, never a real secret).
Chosen with ``PYTHON_KEYRING_BACKEND=tests.window.file_keyring.FileKeyring``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


def _path() -> Path:
    return Path(os.environ["POS_TEST_KEYRING"])


def write(path: Path, secrets: dict[tuple[str, str], str]) -> None:
    """The test's side: what the register will find in its keyring."""
    path.write_text(json.dumps({f"{s}\n{u}": p for (s, u), p in secrets.items()}),
                    encoding="utf-8")


class FileKeyring(KeyringBackend):
    priority = 1

    def _read(self) -> dict[str, str]:
        path = _path()
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) \
            if path.exists() else {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[f"{service}\n{username}"] = password
        _path().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(f"{service}\n{username}", None)
        _path().write_text(json.dumps(data), encoding="utf-8")
