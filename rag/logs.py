"""Logs a user can send with a bug report: HOME/logs/dateline.log, rotated, and stderr with `--verbose`.

User-facing errors stay one readable line; the traceback behind them is written here. At INFO and above the log
holds what happened (commands, counts, timings, error types), never article or question text.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "dateline.log"
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 3  # dateline.log.1 ... .3: at most ~4 MB on disk
PACKAGES = ("rag", "index", "ui", "evals")  # the loggers Dateline's modules write to (logging.getLogger(__name__))
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path(home: Path) -> Path:
    return Path(home).expanduser() / "logs" / LOG_FILE


def setup_logging(home: Path, verbose: bool = False) -> Path | None:
    """Send Dateline's loggers to the rotating log file (and to stderr when verbose); returns the file, or None if
    it cannot be written (a read-only home must not stop the command)."""
    handlers: list[logging.Handler] = []
    path = log_path(home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS,
                                            encoding="utf-8"))
    except OSError:
        path = None
    if verbose:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
    for name in PACKAGES:
        logger = logging.getLogger(name)
        for old in list(logger.handlers):
            logger.removeHandler(old)
            old.close()
        for handler in handlers:
            logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False
    return path
