"""Build the one-folder bundle with PyInstaller (the same spec on Windows and Linux).

    uv run --group packaging python packaging/build.py [--smoke] [--installer]

Compiles the translations (a frozen app cannot run lrelease), writes the Windows version
information from pyproject.toml, runs PyInstaller, and prints the bundle's size.
``--skip-freeze`` reuses dist/pos-app (signed executables).
``--smoke`` then runs the bundle's ``--self-test`` and ``--demo --exit-after-start`` (median
of 5 timed starts); ``--installer`` compiles packaging/installer.nsi with makensis.
Outputs go to build/ and dist/, which are never committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
DIST = ROOT / "dist"
BUNDLE = DIST / "pos-app"


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


def compile_translations() -> None:
    from pos_app.ui.translations import lrelease

    target = BUILD / "qm"
    target.mkdir(parents=True, exist_ok=True)
    for source in (ROOT / "resources" / "translations").glob("*.ts"):
        subprocess.run([str(lrelease()), "-silent", str(source), "-qm",
                        str(target / source.with_suffix(".qm").name)], check=True)


def write_version_info(text: str) -> None:
    """The VERSIONINFO resource Windows shows in the file's properties (and antivirus reads)."""
    numbers = tuple(int(part) for part in (text.split(".") + ["0"] * 4)[:4])
    info = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[StringFileInfo([StringTable('041904B0', [
      StringStruct('CompanyName', 'pos-app'),
      StringStruct('FileDescription', 'pos-app cashier'),
      StringStruct('FileVersion', '{text}'),
      StringStruct('InternalName', 'pos-app'),
      StringStruct('OriginalFilename', 'pos-app.exe'),
      StringStruct('ProductName', 'pos-app'),
      StringStruct('ProductVersion', '{text}')])]),
        VarFileInfo([VarStruct('Translation', [0x0419, 1200])])]
)
"""
    (BUILD / "version_info.txt").write_text(info, encoding="utf-8")


def freeze() -> None:
    import PyInstaller.__main__

    os.environ["POS_APP_BUILD_DIR"] = str(BUILD)
    PyInstaller.__main__.run([str(ROOT / "packaging" / "pos_app.spec"), "--noconfirm",
                              "--clean", "--log-level", "WARN", "--distpath", str(DIST),
                              "--workpath", str(BUILD / "pyinstaller")])


def size_mb(folder: Path) -> float:
    """Bytes on disk: each file once (the bundle links some libraries under two names)."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if path.is_symlink() or not path.is_file() or info.st_ino in seen:
            continue
        seen.add(info.st_ino)
        total += info.st_size
    return total / 1e6


def executable(console: bool = False) -> Path:
    """The cashier window's executable; on Windows ``console`` picks ``pos-app-cli.exe``."""
    if sys.platform == "win32":
        return BUNDLE / ("pos-app-cli.exe" if console else "pos-app.exe")
    return BUNDLE / "pos-app"


def smoke() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    cli = executable(console=True)
    started = time.perf_counter()
    subprocess.run([str(cli), "--self-test"], check=True, env=env, timeout=120)
    print(f"self-test in the bundle: {time.perf_counter() - started:.2f} s (whole process)")
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        process = subprocess.Popen([str(executable()), "--demo", "--exit-after-start"], env=env)
        # A blocking wait with a watchdog: Popen.wait(timeout) polls every 50 ms, which
        # would round each start up to the next poll.
        watchdog = threading.Timer(120, process.kill)
        watchdog.start()
        code = process.wait()
        runs.append(time.perf_counter() - started)
        watchdog.cancel()
        if code != 0:
            raise subprocess.CalledProcessError(code, process.args)
    print(f"--demo --exit-after-start: median {statistics.median(runs):.2f} s of "
          f"{', '.join(f'{r:.2f}' for r in runs)}")


def installer(text: str) -> None:
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit("makensis is not installed (Debian: apt-get install nsis)")
    BUILD.mkdir(exist_ok=True)
    subprocess.run([makensis, "-V2", f"-DVERSION={text}", f"-DBUNDLE={BUNDLE}",
                    f"-DOUTFILE={BUILD / f'pos-app-{text}-setup.exe'}",
                    str(ROOT / "packaging" / "installer.nsi")], check=True)
    print(f"installer: {BUILD / f'pos-app-{text}-setup.exe'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="run the bundle's checks")
    parser.add_argument("--installer", action="store_true", help="compile the NSIS installer")
    parser.add_argument("--skip-freeze", action="store_true",
                        help="use dist/pos-app as it is (e.g. after signing its executables)")
    args = parser.parse_args()
    text = version()
    BUILD.mkdir(exist_ok=True)
    if not args.skip_freeze:
        compile_translations()
        write_version_info(text)
        started = time.perf_counter()
        freeze()
        print(f"bundle {BUNDLE}: {size_mb(BUNDLE):.0f} MB, built in "
              f"{time.perf_counter() - started:.0f} s")
    if args.smoke:
        smoke()
    if args.installer:
        installer(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
