"""Where things live on disk — the one module that knows the repository's layout.

Every location a user may move is read from an environment variable here and nowhere else:
``KANSENRADAR_OUTPUT_DIR`` (bundles and exports, default ``outputs/``) and
``MLFLOW_TRACKING_URI`` (default: ``mlflow.db`` in the repository, a SQLite store) and
``KANSENRADAR_LOG_DIR`` (tracebacks of unexpected errors, default ``outputs/logs``).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SKELETON_DIR = REPO_ROOT / "data" / "skeleton"
DEFAULT_DATA_DIR = REPO_ROOT / "data" / "generated"
DEFAULT_MLFLOW_DB = REPO_ROOT / "mlflow.db"
APP_ENTRY = REPO_ROOT / "app" / "kansenradar.py"


def output_root() -> Path:
    """Where bundles and exports go: ``KANSENRADAR_OUTPUT_DIR`` or ``outputs/`` in the repository."""
    return Path(os.environ.get("KANSENRADAR_OUTPUT_DIR", REPO_ROOT / "outputs"))


def log_dir() -> Path:
    """Where tracebacks of unexpected errors go: ``KANSENRADAR_LOG_DIR`` or ``<outputs>/logs``."""
    return Path(os.environ.get("KANSENRADAR_LOG_DIR", output_root() / "logs"))


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` or the repository's SQLite database."""
    return os.environ.get("MLFLOW_TRACKING_URI", f"sqlite:///{DEFAULT_MLFLOW_DB}")


DATA_ROOT_ENV = "KANSENRADAR_DATA_ROOT"


def data_root() -> Path:
    """The only folder tree the app's folder validator may read (``kansenradar app --data-root``
    sets ``KANSENRADAR_DATA_ROOT``; default the repository's ``data/``)."""
    return Path(os.environ.get(DATA_ROOT_ENV) or REPO_ROOT / "data").resolve()
