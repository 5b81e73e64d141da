"""The MLflow store's location: a SQLite database and its artifact folder, inside the working folder.

A SQLite store ``<folder>/mlflow.db`` keeps its artifacts beside it in ``<folder>/mlartifacts``.
MLflow records artifact locations as absolute ``file://`` URIs, so a store copied to another
folder (another machine, a colleague's laptop, a backup) would still point at the folder it was
made in. :func:`prepare_store` therefore re-roots it: every location under an ``mlartifacts``
folder other than this store's own is rewritten to this store's ``mlartifacts`` before MLflow
reads it. A copied folder — ``mlflow.db`` with ``mlartifacts/`` — loads where it lands.

Uses only the standard library (``sqlite3``), so the CLI can call it before MLflow is imported.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from features.paths import ARTIFACTS_DIRNAME, tracking_uri

SQLITE_PREFIX = "sqlite:///"

_PREPARED: set[str] = set()


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` tracking URI, else None (a server, a file store)."""
    if not uri.startswith(SQLITE_PREFIX):
        return None
    return Path(uri.removeprefix(SQLITE_PREFIX)).resolve()


def artifact_root(uri: str) -> str:
    """The artifact folder of a SQLite store as a ``file://`` URI ('' for other stores)."""
    db = sqlite_path(uri)
    return (db.parent / ARTIFACTS_DIRNAME).as_uri() if db is not None else ""


def _stored_roots(connection: sqlite3.Connection) -> set[str]:
    """The ``…/mlartifacts`` roots the store's experiments were created under."""
    roots = set()
    rows = connection.execute(
        "SELECT artifact_location FROM experiments WHERE artifact_location LIKE 'file:%'"
    )
    for (location,) in rows:
        head, sep, _ = location.partition(f"/{ARTIFACTS_DIRNAME}")
        if sep:
            roots.add(head + sep)
    return roots


def _local_path(file_uri: str) -> str:
    """``file:///a/b`` → ``/a/b`` (``C:\\a\\b`` on Windows): MLflow stores some locations as paths."""
    parsed = urlparse(file_uri)
    return url2pathname(unquote(parsed.path)) if sys.platform == "win32" else unquote(parsed.path)


def reroot(db: Path, new_root: str) -> list[str]:
    """Rewrite every artifact location under another ``mlartifacts`` root to ``new_root``.

    Every text column of every table is rewritten where it starts with an old root (as a
    ``file://`` URI or as a plain path), so the experiments, runs, logged models and model
    versions all move together. Returns the old roots that were moved (empty: nothing to do).
    """
    with sqlite3.connect(db) as connection:
        tables = [
            name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        if "experiments" not in tables:
            return []
        old_roots = sorted(r for r in _stored_roots(connection) if r != new_root)
        if not old_roots:
            return []
        pairs = [(old, new_root) for old in old_roots]
        pairs += [(_local_path(old), _local_path(new_root)) for old in old_roots]
        for table in tables:
            columns = [
                row[1]
                for row in connection.execute(f'PRAGMA table_info("{table}")')
                if not row[2] or any(word in row[2].upper() for word in ("CHAR", "TEXT", "CLOB"))
            ]
            for column in columns:
                for old, new in pairs:
                    connection.execute(
                        f'UPDATE "{table}" SET "{column}" = ? || substr("{column}", ?) '
                        f'WHERE typeof("{column}") = \'text\' AND substr("{column}", 1, ?) = ?',
                        (new, len(old) + 1, len(old), old),
                    )
    return old_roots


def prepare_store(uri: str | None = None) -> str:
    """Make the working folder's store ready to use and return its tracking URI.

    For a SQLite store: create its folder, and re-root a store copied from elsewhere onto its
    own ``mlartifacts`` (once per process and store). Other stores are returned unchanged.
    """
    uri = uri or tracking_uri()
    db = sqlite_path(uri)
    if db is None or uri in _PREPARED:
        return uri
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.is_file():
        reroot(db, artifact_root(uri))
    _PREPARED.add(uri)
    return uri


def ui_command(uri: str, port: int, host: str = "127.0.0.1") -> list[str]:
    """``mlflow ui`` on the store, bound to this machine only."""
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri, "--registry-store-uri", uri]
    root = artifact_root(uri)
    if root:
        command += ["--default-artifact-root", root]
    return [*command, "--host", host, "--port", str(port), "--workers", "1"]
