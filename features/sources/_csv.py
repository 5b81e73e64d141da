"""The one way kansenradar opens a published CSV: strict, located errors, never modifies input.

DUO and CBS files share traps (see ``docs/FORMATS.md``): ``;`` separators, cp1252/latin-1
or UTF-8 (sometimes with BOM), decimal commas, doubled quotes, ``<5`` for suppressed counts,
numbers with varying padding. Everything here raises :class:`~features.errors.DataError` with
file, row and column instead of letting pandas guess silently.

Row numbers are the file's own line numbers (header = 1) and are kept as the DataFrame index
so that later validation can still point at the line a user can open.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from features.errors import MAX_REPORTED, DataError
from features.sources._checks import Problems
from features.sources._notes import note
from features.years import EARLIEST_SCHOOL_YEAR, format_school_year, last_school_year

SUPPRESSED_MARKERS = frozenset({"<5", "< 5"})
"""How DUO writes a count of 1–4 it may not publish."""

_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_INTEGER = re.compile(r"^\d+$")


def normalise_header(name: str) -> str:
    """``'BRIN NUMMER'``, ``'brin_nummer'`` and ``'\\ufeffBRIN_NUMMER'`` all become ``BRIN_NUMMER``."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().strip('"')).upper()


def decode_text(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM) first, then cp1252 as DUO's older files use.

    Binary or UTF-16 content is refused: decoding it as cp1252 would "work" and give garbage.
    So is a file that mixes encodings (UTF-8 text, or a UTF-8 BOM, plus a cp1252 byte): one of
    the two readings garbles names, so the line with the odd byte is named instead. Line ends
    are normalised, so old exports with CR-only line ends read like any other file.
    """
    if not raw.strip():
        raise DataError(path, "the file is empty", row=1, expected="a header line and data rows")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise DataError(
            path,
            "the file is not text in a supported encoding (looks like UTF-16 or binary)",
            row=1,
            expected="UTF-8 or cp1252/latin-1 text, as DUO and CBS publish",
        )
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if bom or _UTF8_MULTIBYTE.search(body[: exc.start]):
            line = body[: exc.start].count(b"\n") + 1
            raise DataError(
                path,
                "the file mixes encodings: UTF-8"
                + (" (it starts with a UTF-8 byte-order mark)" if bom else "")
                + f" but byte {body[exc.start : exc.start + 1]!r} is not UTF-8 (cp1252?)",
                row=line,
                expected="one encoding for the whole file (save it again as UTF-8)",
            ) from None
        text = body.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return repair_mojibake(path, text)


_CONTINUATION = "[\u0080-\u00bf" + re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")) + "]"
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}|[\u00f0-\u00f4]{_CONTINUATION}{{3}}"
)


def _undo_double_encoding(match: re.Match[str]) -> str:
    chunk = match.group(0)
    for encoding in ("cp1252", "latin-1"):
        try:
            return chunk.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return chunk


def repair_mojibake(path: Path, text: str) -> str:
    """Undo double encoding (UTF-8 read as cp1252 and saved again: ``FryslÃ¢n`` → ``Fryslân``).

    Some 2022-23 DUO files carry such names. Only sequences that are valid UTF-8 once written
    back as cp1252 are changed, so ordinary accented names (``Fryslân``) stay as they are; what
    was repaired is reported (:func:`features.sources._notes.note`), never silent.
    """
    if not _MOJIBAKE.search(text):
        return text
    examples: dict[str, str] = {}

    def fix(match: re.Match[str]) -> str:
        fixed = _undo_double_encoding(match)
        if fixed != match.group(0) and len(examples) < 3:
            start = text.rfind(";", 0, match.start()) + 1
            end = text.find(";", match.end())
            examples.setdefault(text[start:end].strip('"'), "")
        return fixed

    repaired, n = _MOJIBAKE.subn(fix, text)
    if repaired != text:
        shown = ", ".join(f"{k!r} → {repair_text(k)!r}" for k in examples)
        line = text[: _MOJIBAKE.search(text).start()].count("\n") + 1
        note(path, f"double-encoded (mojibake) text repaired in {n} place(s), first on line {line}: {shown}")
    return repaired


def repair_text(value: str) -> str:
    """:func:`repair_mojibake` for one value (no report)."""
    return _MOJIBAKE.sub(_undo_double_encoding, value)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def read_published_csv(
    path: str | Path,
    required: Iterable[str],
    *,
    aliases: Mapping[str, Iterable[str]] | None = None,
    optional: Iterable[str] = (),
    all_columns: bool = False,
    separator: str = ";",
    allow_empty: bool = False,
) -> pd.DataFrame:
    """Read a DUO/CBS CSV into a frame of stripped strings, one column per *required* name.

    Parameters
    ----------
    path:
        The file. It is opened read-only and never written.
    required:
        Canonical published column names (normalised, e.g. ``BRIN_NUMMER``). Missing ones raise.
    aliases:
        For columns that were renamed between publication years, alternative published names
        (``{"BRIN_NUMMER": ["INSTELLINGSCODE"]}``); the first present wins.
    optional:
        Columns returned when the file has them (e.g. test providers that vary by year).
    all_columns:
        Also return every other column, under its normalised name (StatLine topics).
    allow_empty:
        Accept a file with a header and no data rows (by default that is an error: an empty
        download would otherwise turn every rate built from it into 0 or nothing).

    Returns
    -------
    DataFrame of ``str`` columns named by the canonical names, index = file line number.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found", expected="an existing file")
    text = decode_text(path, path.read_bytes())
    lines = text.splitlines()
    header_line = lines[0]
    if separator not in header_line:
        found = next((s for s in (",", "\t", "|") if s in header_line), None)
        raise DataError(
            path,
            "the header line has no '"
            + separator
            + "' separator"
            + (f" but uses {found!r}" if found else ""),
            row=1,
            expected=f"a '{separator}'-separated file as DUO and CBS publish",
        )
    if '"' not in text:
        header, rows, line_numbers = _split_unquoted(path, lines, separator)
    else:
        header, rows, line_numbers = _split_quoted(path, text, separator)
    names = [normalise_header(h) for h in header]
    if isinstance(rows, pd.DataFrame):
        frame = rows
    else:
        frame = pd.DataFrame(rows, dtype=str) if rows else pd.DataFrame(columns=range(len(header)), dtype=str)
    frame.columns = names
    frame.index = pd.Index(line_numbers, name="line")
    if frame.empty and not allow_empty:
        raise DataError(
            path,
            "the file has a header but no data rows",
            row=2,
            expected="one row per school/region and year, as published",
        )
    duplicated = [n for n in dict.fromkeys(frame.columns[frame.columns.duplicated()]) if n]
    if duplicated:
        raise DataError(
            path,
            "a column name appears twice in the header",
            row=1,
            column=duplicated[0],
            expected="each published column once",
        )
    out: dict[str, pd.Series] = {}
    aliases = aliases or {}
    for name in required:
        candidates = [name, *aliases.get(name, ())]
        present = next((c for c in candidates if c in frame.columns), None)
        if present is None:
            raise DataError(
                path,
                "a required column is missing",
                row=1,
                column=name,
                expected="columns "
                + ", ".join(candidates[:1] + [c for c in candidates[1:]])
                + f"; the header has {', '.join(names[:12])}"
                + ("…" if len(names) > 12 else ""),
            )
        out[name] = frame[present].str.strip()
    extra = [c for c in frame.columns if c not in out and (all_columns or c in set(optional))]
    for name in extra:
        out[name] = frame[name].str.strip()
    return pd.DataFrame(out, index=frame.index)


def _width_error(path: Path, line: int, found: int, width: int, separator: str) -> DataError:
    return DataError(
        path,
        f"row has {found} fields but the header has {width}",
        row=line,
        expected=f"{width} '{separator}'-separated fields (a truncated row, or an unquoted "
        "separator inside a value?)",
    )


def _split_unquoted(
    path: Path, lines: list[str], separator: str
) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Fast path for files without quotes: field counts are separator counts + 1."""
    header = lines[0].split(separator)
    width = len(header)
    body = pd.Series(lines[1:], dtype=str)
    line_numbers = np.arange(2, len(lines) + 1)
    keep = body.str.strip() != ""
    body, line_numbers = body[keep], line_numbers[keep.to_numpy()]
    counts = body.str.count(re.escape(separator)).to_numpy() + 1
    bad = np.flatnonzero(counts != width)
    if len(bad):
        first = _width_error(path, int(line_numbers[bad[0]]), int(counts[bad[0]]), width, separator)
        problems = Problems(path)
        for i in bad[:MAX_REPORTED]:
            problems.add_error(_width_error(path, int(line_numbers[i]), int(counts[i]), width, separator))
        problems.n_hidden += max(0, len(bad) - MAX_REPORTED)
        raise problems.error() or first
    if body.empty:
        return header, pd.DataFrame(columns=range(width), dtype=str), line_numbers
    parts = pd.read_csv(
        io.StringIO("\n".join(body.tolist())),
        sep=separator,
        header=None,
        dtype=str,
        keep_default_na=False,
        quoting=csv.QUOTE_NONE,
        skip_blank_lines=False,
        engine="c",
    )
    return header, parts, line_numbers


def _split_quoted(path: Path, text: str, separator: str) -> tuple[list[str], list[list[str]], list[int]]:
    """General path (quoted names with doubled quotes, separators inside quotes)."""
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"', strict=True)
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    try:
        header = next(reader)
        width = len(header)
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line (often trailing)
            if len(row) != width:
                raise _width_error(path, reader.line_num, len(row), width, separator)
            rows.append(row)
            line_numbers.append(reader.line_num)
    except csv.Error as exc:
        raise DataError(path, f"the CSV structure is broken: {exc}", row=reader.line_num) from None
    return header, rows, line_numbers


def _fail(
    path: Path,
    series: pd.Series,
    bad: pd.Series,
    column: str,
    expected: str,
    problems: Problems | None = None,
    problem: str = "value cannot be read",
) -> None:
    """Report every bad cell of a column: into ``problems`` when given, else raise them."""
    sink = problems if problems is not None else Problems(path)
    sink.flag(bad, problem, column, series, expected)
    if problems is None:
        sink.raise_if_any()


def parse_count(
    path: Path,
    series: pd.Series,
    column: str,
    *,
    empty_is_suppressed: bool = True,
    problems: Problems | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Parse a published pupil count.

    Returns ``(count, suppressed)``: ``count`` is nullable ``Int64``; a ``<5`` cell (and, by
    DUO's habit, an empty one when ``empty_is_suppressed``) is ``<NA>`` with ``suppressed`` True.
    A suppressed cell is *unknown and small (1–4)*: never turn it into 0. With ``problems`` an
    unreadable cell is recorded there and becomes ``<NA>``, so the reader can go on checking.
    """
    s = series.fillna("").str.replace(" ", "", regex=False)
    suppressed = s.isin(SUPPRESSED_MARKERS - {"< 5"}) | series.isin(SUPPRESSED_MARKERS)
    empty = s == ""
    if empty_is_suppressed:
        suppressed |= empty
    ok = s.str.fullmatch(_INTEGER.pattern) | suppressed | empty
    if not ok.all():
        _fail(path, series, ~ok, column, "a whole number of pupils, '<5' or empty", problems)
    values = pd.to_numeric(s.where(~(suppressed | empty) & ok), errors="coerce").astype("Int64")
    return values, suppressed.astype(bool)


def parse_decimal(
    path: Path,
    series: pd.Series,
    column: str,
    missing: Iterable[str] = ("", ".", "x", "-99997"),
    problems: Problems | None = None,
) -> pd.Series:
    """Parse ``538,636363636364`` or ``538.64``; CBS's secret markers become NaN, never 0."""
    s = series.fillna("").str.replace(" ", "", regex=False)
    miss = s.isin(set(missing))
    ok = s.str.fullmatch(_NUMBER.pattern) | miss
    if not ok.all():
        _fail(path, series, ~ok, column, "a number (decimal comma or point) or empty", problems)
    return (
        pd.to_numeric(s.where(~miss & ok).str.replace(",", ".", regex=False), errors="coerce")
        .astype("Float64")
        .astype(float)
    )


def parse_choice(
    path: Path,
    series: pd.Series,
    column: str,
    allowed: Iterable[str],
    problems: Problems | None = None,
    where: str | None = None,
) -> pd.Series:
    """Check a code column against its closed vocabulary (advice codes, test names, …).

    ``where`` names the list of accepted codes (e.g. ``features/advice.py``) for vocabularies
    too long to print; short ones are printed in full.
    """
    allowed_set = set(allowed)
    ok = series.isin(allowed_set)
    if not ok.all():
        listed = ", ".join(sorted(allowed_set))
        if where is None:
            expected = f"one of {listed}"
        elif len(listed) <= 200:
            expected = f"one of {listed} (the list: {where})"
        else:
            expected = f"a code listed in {where}"
        _fail(path, series, ~ok, column, expected, problems, problem="unknown code")
    return series


def parse_year(path: Path, series: pd.Series, column: str, problems: Problems | None = None) -> pd.Series:
    """A school-year column (``2019``, ``2019-2020``, ``2019SJ00``) as the start year.

    Years after :func:`features.years.last_school_year` (and before 2000) are rejected: a
    future period must never enter the panels.
    """
    head = series.str[:4]
    ok = head.str.fullmatch(r"(19|20)\d\d")
    if not ok.all():
        _fail(path, series, ~ok, column, "a school year such as 2019 or 2019-2020", problems)
    years = head.where(ok, "-1").astype(int)
    check_school_year(path, years.where(ok), column, series, problems)
    return years


def check_school_year(
    path: Path,
    years: pd.Series,
    column: str,
    shown: pd.Series | None = None,
    problems: Problems | None = None,
) -> None:
    """School years must lie in 2000 … the configured last school year (``features/years.py``)."""
    last = last_school_year()
    bad = years.notna() & ((years < EARLIEST_SCHOOL_YEAR) | (years > last))
    if bad.any():
        _fail(
            path,
            years if shown is None else shown,
            bad,
            column,
            f"a school year from {format_school_year(EARLIEST_SCHOOL_YEAR)} to {format_school_year(last)} "
            "(LAST_SCHOOL_YEAR in features/years.py)",
            problems,
            problem="school year out of range",
        )


def check_file_year(path: Path, school_year: int) -> None:
    """The school year a file name gives (``vsv-per-swv-2099.csv``) must be a plausible one."""
    last = last_school_year()
    if not EARLIEST_SCHOOL_YEAR <= school_year <= last:
        raise DataError(
            path,
            f"the file name gives school year {format_school_year(school_year)}, which is out of range",
            value=path.name,
            expected=f"a school year from {format_school_year(EARLIEST_SCHOOL_YEAR)} to "
            f"{format_school_year(last)} (LAST_SCHOOL_YEAR in features/years.py)",
        )


def brin6(
    path: Path, brin4: pd.Series, vestiging: pd.Series, column: str, problems: Problems | None = None
) -> pd.Series:
    """BRIN4 (``00AP``) + two-digit vestiging (``0``, ``00``, ``"00"``) → ``00AP00``.

    Accepts a vestiging that is already the full BRIN6 (the school registers write it that way).
    """
    b = brin4.str.upper()
    v = vestiging.str.upper()
    full = v.str.len().eq(6) & v.str[:4].eq(b)
    v = v.where(full, v.str.zfill(2))
    result = b.where(full, b + v).where(~full, v)
    ok = result.str.fullmatch(r"[0-9A-Z]{4}[0-9A-Z]{2}")
    if not ok.all():
        _fail(path, result, ~ok, column, "a BRIN of 4 characters plus a 2-character vestiging", problems)
    return result


def gemeente_code(path: Path, series: pd.Series, column: str, problems: Problems | None = None) -> pd.Series:
    """``' 637'``, ``'0637'``, ``'637'``, ``'GM0637'`` → ``'GM0637'`` (CBS style)."""
    s = series.str.strip().str.upper().str.removeprefix("GM")
    ok = s.str.fullmatch(r"\d{1,4}")
    if not ok.all():
        _fail(path, series, ~ok, column, "a gemeente number such as 0637 or GM0637", problems)
    return "GM" + s.str.zfill(4)
