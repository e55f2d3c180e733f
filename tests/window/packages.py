"""The Debian packages the real-window tests need, installed when missing.

``uv run python -m tests.window.packages`` prints them; ``--install`` installs what is
missing (CI does this first, as root).  The test session does the same before its first
window test, so ``uv run pytest`` works on a fresh Debian machine run as root; elsewhere it
fails naming the packages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = (
    # A real X display with a window manager, real input, screenshots.
    "xvfb", "openbox", "xdotool", "imagemagick", "x11-utils", "x11-xkb-utils",
    # What Qt's xcb window plugin loads on a minimal Debian.
    "libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1",
    "fonts-dejavu-core",
    # A real print queue that writes PDF files.
    "cups", "cups-client", "printer-driver-cups-pdf", "poppler-utils",
    # The customer's phone, and the head office's page: a headless browser.
    "chromium",
    # The head office's database (tests/headoffice start a throwaway cluster of their own).
    "postgresql",
)


def missing() -> list[str]:
    """The packages not installed (all of them where dpkg is not there to ask)."""
    if shutil.which("dpkg-query") is None:
        return list(PACKAGES)
    found = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n",
                            *PACKAGES], capture_output=True, text=True, check=False)
    installed = {line.split()[0] for line in found.stdout.splitlines()
                 if line.endswith(" installed")}
    return [package for package in PACKAGES if package not in installed]


def install() -> list[str]:
    """Install what is missing (needs root and apt-get); returns what still is."""
    wanted = missing()
    if not wanted or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return wanted
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-qq", *wanted]
    if subprocess.run(command, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(command, env=env, check=False)
    return missing()


def advice(packages: list[str]) -> str:
    return ("The real-window tests need these Debian packages: "
            f"apt-get install -y {' '.join(packages)} (as root; the tests install them "
            "themselves when run as root on Debian).")


def main(argv: list[str]) -> int:
    if "--install" in argv:
        left = install()
        if left:
            sys.stderr.write(advice(left) + "\n")
            return 1
        return 0
    sys.stdout.write(" ".join(PACKAGES) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
