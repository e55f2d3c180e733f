"""Where the terminal keeps its configuration, journals and logs.

Environment variables override the platform defaults so that tests, scripts and
kiosk installers can point the app elsewhere: ``POS_APP_CONFIG`` (a file),
``POS_APP_DATA_DIR`` and ``POS_APP_LOG_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

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
