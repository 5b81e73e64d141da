"""Where things live on disk — the one module that knows the layout.

Two kinds of place:

* **What ships with kansenradar** (read only): the embedded real skeleton
  (``features/skeleton/``, package data) and the app's entry script. They are found from the
  installed packages, so a wheel works from any folder.
* **The working folder** (``home()``), where everything kansenradar *writes* lives: the
  generated data (``data/generated``), bundles and exports (``outputs/``), logs
  (``outputs/logs``), the MLflow store (``mlflow.db`` and ``mlartifacts/``). Never inside the
  installed package.

Which working folder, first match wins:

1. ``kansenradar --home DIR`` (the CLI sets ``KANSENRADAR_HOME`` for itself and for the app and
   serving processes it starts);
2. ``KANSENRADAR_HOME``;
3. the repository root, when kansenradar runs from a checkout (a ``pyproject.toml`` naming
   kansenradar beside the packages) — today's behaviour of ``make run``;
4. the per-user data folder (``platformdirs.user_data_dir("kansenradar")``: e.g.
   ``~/.local/share/kansenradar`` on Linux, ``%LOCALAPPDATA%\\kansenradar`` on Windows).

Each part can still be moved on its own, and then that variable wins over the working folder
for its part only: ``KANSENRADAR_OUTPUT_DIR`` (bundles and exports), ``KANSENRADAR_LOG_DIR``
(tracebacks of unexpected errors), ``KANSENRADAR_DATA_ROOT`` (the one tree the app's folder
validator may read) and ``MLFLOW_TRACKING_URI`` (the MLflow store).

Everything is resolved when asked, not at import, so ``--home`` given on the command line
counts.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path

HOME_ENV = "KANSENRADAR_HOME"
OUTPUT_ENV = "KANSENRADAR_OUTPUT_DIR"
LOG_ENV = "KANSENRADAR_LOG_DIR"
DATA_ROOT_ENV = "KANSENRADAR_DATA_ROOT"
TRACKING_ENV = "MLFLOW_TRACKING_URI"

PACKAGES_ROOT = Path(__file__).resolve().parents[1]
"""The folder holding the packages ``features``, ``models``, ``app``, ``experiments``: the
repository in a checkout, ``site-packages`` when installed. Read from, never written to."""

SKELETON_DIR = Path(str(resources.files("features") / "skeleton"))
"""The embedded real registers, context and boundaries: package data of ``features`` (in the
wheel too), found through ``importlib.resources``; sources in its ``SOURCES.md``."""

APP_ENTRY = PACKAGES_ROOT / "app" / "kansenradar.py"

ARTIFACTS_DIRNAME = "mlartifacts"


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is a kansenradar source tree: its ``pyproject.toml`` names kansenradar.

    A checkout has the project's ``pyproject.toml`` beside the packages; an installed wheel does
    not (``site-packages`` holds no ``pyproject.toml``).
    """
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return 'name = "kansenradar"' in text


@functools.cache
def checkout_root() -> Path | None:
    """The repository root when the packages are imported from a kansenradar checkout, else None."""
    return PACKAGES_ROOT if is_checkout(PACKAGES_ROOT) else None


def user_home() -> Path:
    """The per-user data folder an installed kansenradar works in by default."""
    import platformdirs

    return Path(platformdirs.user_data_dir("kansenradar", appauthor=False))


def home() -> Path:
    """The working folder: ``KANSENRADAR_HOME``, else the checkout, else the per-user folder."""
    chosen = os.environ.get(HOME_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return checkout_root() or user_home()


def default_data_dir() -> Path:
    """Where ``generate`` writes and ``run`` reads the embedded national default."""
    return home() / "data" / "generated"


def output_root() -> Path:
    """Where bundles and exports go: ``KANSENRADAR_OUTPUT_DIR`` or ``<home>/outputs``."""
    chosen = os.environ.get(OUTPUT_ENV)
    return Path(chosen) if chosen else home() / "outputs"


def log_dir() -> Path:
    """Where tracebacks of unexpected errors go: ``KANSENRADAR_LOG_DIR`` or ``<outputs>/logs``."""
    chosen = os.environ.get(LOG_ENV)
    return Path(chosen) if chosen else output_root() / "logs"


def default_mlflow_db() -> Path:
    return home() / "mlflow.db"


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` or the working folder's SQLite database ``<home>/mlflow.db``."""
    chosen = os.environ.get(TRACKING_ENV)
    return chosen or f"sqlite:///{default_mlflow_db().as_posix()}"


def data_root() -> Path:
    """The only folder tree the app's folder validator may read (``kansenradar app --data-root``
    sets ``KANSENRADAR_DATA_ROOT``; default ``<home>/data``)."""
    return Path(os.environ.get(DATA_ROOT_ENV) or home() / "data").resolve()
