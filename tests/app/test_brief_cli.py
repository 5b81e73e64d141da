"""``kansenradar brief``: one gemeente or all of them, PDF or HTML, clear words without a PDF engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_all_gemeenten_in_one_batch(pipeline_run, tmp_path: Path) -> None:
    from models.brief import load_published

    result = runner.invoke(app, ["brief", "--all", "--format", "html", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in tmp_path.glob("*.html"))
    codes = load_published(pipeline_run["outputs"]).gemeenten["code"]
    assert len(made) == len(codes) > 300
    assert all(re.fullmatch(r"GM\d{4}_[A-Za-z0-9-]+\.html", name) for name in made), made[:5]
    assert {name[:6] for name in made} == set(codes)
    assert "GM0363_Amsterdam.html" in made


def test_a_merged_code_gives_its_successors_pdf(pipeline_run, tmp_path: Path) -> None:
    from models.brief import pdf_engine

    if pdf_engine() is None:
        pytest.skip("no Chromium to print with (`make browser-deps` installs it)")
    out = tmp_path / "brief.pdf"
    result = runner.invoke(app, ["brief", "--gemeente", "GM0457", "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "GM0457 merged into Amsterdam (GM0363)" in result.output
    assert out.read_bytes()[:5] == b"%PDF-" and out.with_suffix(".html").is_file()


def test_without_a_pdf_engine_the_message_points_to_the_html(pipeline_run, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    result = runner.invoke(
        app,
        ["brief", "--gemeente", "GM0014", "--out", str(out)],
        env={"KANSENRADAR_CHROMIUM": str(tmp_path / "no-such-browser"), "COLUMNS": "300"},
    )
    assert result.exit_code == 1
    assert "no PDF engine" in result.output and str(out.with_suffix(".html")) in result.output
    assert out.with_suffix(".html").is_file() and not out.exists()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["brief"], "either --gemeente"),
        (["brief", "--all", "--gemeente", "GM0363"], "either --gemeente"),
        (["brief", "--gemeente", "GM0363", "--out", "x.docx"], ".pdf or .html"),
        (["brief", "--gemeente", "Amsterdam"], "not a gemeente code"),
    ],
)
def test_usage_errors(pipeline_run, argv: list[str], words: str) -> None:
    result = runner.invoke(app, argv, env={"COLUMNS": "300"})
    assert result.exit_code == 1 and words in result.output, result.output
