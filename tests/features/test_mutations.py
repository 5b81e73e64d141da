"""Border control: every mutation of the tiny world gets its expected verdict, never a traceback.

For each row of the mutation table (``tests/features/mutations.py``) a copy of the tiny world is
damaged (or varied) and checked twice: the way ``kansenradar validate`` does
(:func:`features.dryrun.check_folder`) and the way ``run``/``features`` do
(:func:`features.catalog.load_sources` then :func:`features.panel.build_panels`). The two
verdicts must agree; an expected error must name the file(s) and the row or column; an accepted
variant must build and, for pure format variants, read to exactly the baseline's data.

Speed: a file that is byte-identical to one read before is not parsed again, ``run`` reuses the
:func:`~features.catalog.assemble` result ``validate`` computed for the same folder bytes, and
panels are not rebuilt for source tables identical to ones already built (all are pure
functions of their input). So per mutation the mutated file is parsed, the checks across files
run, and the panels are built when the data changed.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from features import catalog, dryrun
from features.errors import DataError
from features.panel import build_panels
from tests.features.mutations import CSV_FILES, WORLD, Mutation, all_mutations

MUTATIONS = all_mutations()

_reads: dict[tuple, object] = {}
_panels: dict[tuple, object] = {}
_assembled: dict[tuple, object] = {}
_contents: dict[tuple[str, str], tuple] = {}
_original_read = catalog._read_file
_original_assemble = catalog.assemble


def _digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _cached_read(kind: catalog.SourceKind, path: Path):
    """A reader's result (table or DataError) for bytes it has read before."""
    key = (kind.key, path.name, _digest(path)) if path.is_file() else None
    if key is not None and key in _reads:
        hit = _reads[key]
        if isinstance(hit, DataError):
            raise hit
        table, geo, _ = hit
        return table, copy.deepcopy(geo)  # the pipeline copies before it changes a table
    try:
        table, geo = _original_read(kind, path)
    except DataError as exc:
        if key is not None:
            _reads[key] = exc
        raise
    if key is not None:
        content = int(pd.util.hash_pandas_object(table, index=False).sum())
        _reads[key] = (table.copy(), copy.deepcopy(geo), (table.shape, tuple(table.columns), content))
        _contents[(path.name, key[2])] = _reads[key][2]
    return table, geo


def _folder_key(folder: Path) -> tuple:
    return tuple(
        sorted(
            (p.name, p.is_symlink(), p.is_dir(), _digest(p) if p.is_file() else None)
            for p in folder.iterdir()
        )
    )


def _cached_assemble(data_dir: Path | None = None):
    """``run`` reads the folder ``validate`` just read: same bytes, same assemble() result."""
    data_dir = catalog.default_data_dir() if data_dir is None else data_dir
    key = (str(data_dir), _folder_key(data_dir)) if data_dir.is_dir() else None
    if key is None or key not in _assembled:
        result = _original_assemble(data_dir)
        if key is None:
            return result
        _assembled[key] = result
    return _assembled[key]


def _fingerprint(sources: catalog.Sources) -> tuple:
    """Panels are a pure function of the source tables: key them by the tables' content
    (hashed once per file read, so a format variant of a file hits the same key)."""
    parts = tuple(
        (k, tuple(_contents[(p.name, _digest(p))] for p in paths))
        for k, paths in sorted(sources.files.items())
        if k in sources.tables
    )
    return parts + tuple(sorted(sources.skipped))


def _cached_panels(sources: catalog.Sources):
    key = _fingerprint(sources)
    if key not in _panels:
        _panels[key] = build_panels(sources)
    return _panels[key]


@pytest.fixture(scope="module", autouse=True)
def _fast_paths():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(catalog, "_read_file", _cached_read)
        mp.setattr(catalog, "assemble", _cached_assemble)
        mp.setattr(dryrun, "assemble", _cached_assemble)
        mp.setattr(dryrun, "build_panels", _cached_panels)
        yield


@pytest.fixture(scope="module")
def baseline(_fast_paths) -> catalog.Sources:
    report = dryrun.check_folder(WORLD)
    assert report.ok, str(report.error()) if report.errors else report
    assert not report.skipped and not report.unrecognised
    return catalog.load_sources(WORLD)


def _verdicts(folder: Path) -> tuple[catalog.FolderReport, DataError | None, catalog.Sources | None]:
    """(validate's report, run's DataError or None, run's sources)."""
    report = dryrun.check_folder(folder)
    try:
        sources = catalog.load_sources(folder)
        _cached_panels(sources)
    except DataError as exc:
        return report, exc, None
    return report, None, sources


def _kind_of(name: str) -> str | None:
    return catalog.kind_of_name(name)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    cols = sorted(a.columns)
    a = a[cols].sort_values(cols, kind="stable").reset_index(drop=True)
    b = b[sorted(b.columns)].sort_values(cols, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation_gets_its_verdict(mutation: Mutation, baseline: catalog.Sources, tmp_path: Path) -> None:
    folder = tmp_path / "tiny_world"
    shutil.copytree(WORLD, folder)
    mutation.apply(folder)
    report, run_error, sources = _verdicts(folder)  # any other exception fails the test: a traceback
    assert report.ok == (run_error is None), "validate and run disagree:\n" + (
        str(report.error()) if report.errors else str(run_error)
    )
    if mutation.expect == "error":
        assert not report.ok, f"silently accepted: {mutation.id}"
        message = str(report.error())
        assert message == str(run_error)
        for name in mutation.names or (mutation.file,):
            assert name in message, f"{name!r} not named in: {message}"
        for part in mutation.where:
            assert part in message, f"{part!r} not in: {message}"
        assert "Traceback" not in message
        return
    assert report.ok, f"refused a valid variant {mutation.id}: {report.error()}"
    assert set(report.skipped) == set(mutation.skipped)
    assert set(mutation.unrecognised) <= set(report.unrecognised)
    if "note" in mutation.extra:
        assert any(mutation.extra["note"] in n for n in report.notes), report.notes
    if mutation.same_data:
        kind = _kind_of(mutation.file)
        _same(sources[kind], baseline[kind])


def test_the_table_covers_every_source_kind_with_enough_mutations() -> None:
    kinds = {_kind_of(m.file) for m in MUTATIONS if m.file}
    # an embedded-only kind (the 2018-19 school directory) is never a user's file
    assert {k.key for k in catalog.SOURCE_KINDS if not k.embedded_only} <= kinds
    assert len(MUTATIONS) >= 150
    assert sum(m.expect == "error" for m in MUTATIONS) >= 100
    assert set(CSV_FILES) <= {m.file for m in MUTATIONS}
