"""Build the offline wheelhouse for Windows kiosks (Python 3.12, 64-bit), in one command:

    uv run python packaging/wheelhouse.py

1. Resolves the pins for ``x86_64-pc-windows-msvc`` / Python 3.12 from pyproject.toml (the
   app's dependencies and the ``packaging`` group, so a Windows machine without internet can
   also build the bundle), held to the versions of ``uv.lock`` that the tests ran with, into
   ``packaging/requirements-windows.txt`` (committed).
2. Downloads exactly those wheels for ``win_amd64`` (binary only) and builds the app's own
   wheel, into ``packaging/wheelhouse/`` (not committed).
3. Proves it is complete: installs everything with ``--offline --no-index`` from the
   wheelhouse alone, for the Windows platform, into a scratch folder.

On the Windows register: ``py -3.12 -m venv C:\\pos-app-venv`` then
``C:\\pos-app-venv\\Scripts\\pip install --no-index --find-links wheelhouse pos-app``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOUSE = ROOT / "packaging" / "wheelhouse"
PINS = ROOT / "packaging" / "requirements-windows.txt"
PLATFORM, PYTHON = "x86_64-pc-windows-msvc", "3.12"


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, cwd=ROOT)


def uv() -> str:
    found = shutil.which("uv")
    if found is None:
        raise SystemExit("uv is needed: https://docs.astral.sh/uv/")
    return found


def main() -> int:
    # The versions of uv.lock, which the tests ran with, constrain the Windows resolution.
    HOUSE.mkdir(parents=True, exist_ok=True)
    locked = HOUSE / "constraints-from-uv-lock.txt"
    run(uv(), "export", "--frozen", "--no-emit-project", "--no-hashes", "--no-dev",
        "--group", "packaging", "--quiet", "-o", str(locked))
    run(uv(), "pip", "compile", "pyproject.toml", "--group", "packaging", "-c", str(locked),
        "--python-platform", PLATFORM, "--python-version", PYTHON, "--no-header",
        "--quiet", "-o", str(PINS))
    # pip knows how to download for another platform; uv runs it without installing it here.
    run(uv(), "tool", "run", "--from", "pip", "pip", "download", "--quiet",
        "--only-binary=:all:", "--platform", "win_amd64", "--python-version", PYTHON,
        "--implementation", "cp", "--no-deps", "-r", str(PINS), "-d", str(HOUSE))
    run(uv(), "build", "--wheel", "--quiet", "--out-dir", str(HOUSE))
    with tempfile.TemporaryDirectory(prefix="wheelhouse-check-") as target:
        run(uv(), "pip", "install", "--offline", "--no-index", "--find-links", str(HOUSE),
            "--python-platform", PLATFORM, "--python-version", PYTHON, "--target", target,
            "--quiet", "-r", str(PINS), "pos-app")
    wheels = sorted(HOUSE.glob("*.whl"))
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"{HOUSE}: {len(wheels)} wheels, {size:.0f} MB; offline install for Windows "
          f"(Python {PYTHON}) verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
