"""Logging: a rotating file in the user log directory, every record redacted."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from pos_app.redact import install_log_redaction

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(directory: Path, *, console_level: int | None = logging.WARNING,
                  file_name: str = "pos-app.log") -> Path:
    """Configure the root logger once; returns the log file path.

    A log folder that cannot be written (a read-only mount) does not stop the till: the
    journal is the record of money, the log only helps support.  Warnings then go to the
    console, and the first one says why there is no file.
    """
    path = directory / file_name
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pos_app", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    problem = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        problem = exc.strerror or str(exc)
    else:
        file_handler.setFormatter(logging.Formatter(FORMAT))
        file_handler.setLevel(logging.INFO)
        handlers.append(file_handler)
    if console_level is not None and sys.stderr is not None:  # None: windowed executable
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console.setLevel(console_level)
        handlers.append(console)
    for handler in handlers:
        handler._pos_app = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    install_log_redaction(root)
    if problem is not None:
        logging.getLogger(__name__).warning("no log file: the folder %s cannot be written (%s)",
                                            directory, problem)
    return path
