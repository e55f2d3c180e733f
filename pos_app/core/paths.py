"""Where the terminal keeps its configuration, journals and logs.

Environment variables override the platform defaults so that tests, scripts and
kiosk installers can point the app elsewhere: ``POS_APP_CONFIG`` (a file),
``POS_APP_DATA_DIR`` and ``POS_APP_LOG_DIR``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import platformdirs

APP = "pos-app"
CONFIG_NAME = "terminal.toml"


def config_candidates(explicit: str | os.PathLike[str] | None = None) -> list[Path]:
    """In order: --config, $POS_APP_CONFIG, the user's config, the machine's (installer) config."""
    if explicit:
        return [Path(explicit)]
    if os.environ.get("POS_APP_CONFIG"):
        return [Path(os.environ["POS_APP_CONFIG"])]
    return [Path(platformdirs.user_config_dir(APP, appauthor=False)) / CONFIG_NAME,
            Path(platformdirs.site_config_dir(APP, appauthor=False)) / CONFIG_NAME]


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The first existing candidate, else where a new configuration would be written."""
    candidates = config_candidates(explicit)
    return next((p for p in candidates if p.exists()), candidates[0])


def data_dir() -> Path:
    override = os.environ.get("POS_APP_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    override = os.environ.get("POS_APP_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP, appauthor=False))


def journal_path(journal_dir: str, *, training: bool) -> Path:
    """One journal per mode, so training never mixes with real money."""
    base = Path(journal_dir) if journal_dir else data_dir()
    return base / ("journal-training.sqlite3" if training else "journal.sqlite3")


# Where SQLite's locks and shared memory (WAL) are not reliable, so a journal there can be
# corrupted (sqlite.org/wal.html, "WAL does not work over a network filesystem").
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre",
    "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "davfs", "fuse.rclone"})


def on_network_share(path: str | os.PathLike[str], *, mounts: str = "/proc/mounts") -> bool:
    """True when ``path`` (existing or not) is on a network file system.

    A UNC name (``\\\\nas\\pos``) is one on any platform; on Windows ``//nas/pos`` and a
    drive letter mapped to a share are too; on Linux the longest mount point holding the
    path decides, by its file system type in ``mounts``.  Unknown means no.
    """
    text = os.fspath(path)
    if text.startswith("\\\\"):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
        import ctypes

        drive = PureWindowsPath(os.path.abspath(text)).drive
        if drive.startswith(("\\\\", "//")):
            return True
        return bool(drive) and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # REMOTE
    try:
        table = Path(mounts).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    target = PurePosixPath(os.path.abspath(text))
    best, kind = "", ""
    for line in table:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (target == PurePosixPath(point) or PurePosixPath(point) in target.parents) \
                and len(point) > len(best):
            best, kind = point, fields[2]
    return kind in NETWORK_FILESYSTEMS
