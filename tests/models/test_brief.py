"""The gemeente brief: made from published tables only, A4 on every page, nothing hidden listed.

Runs on the trained national world of ``tests/conftest.py`` (under-advice per gemeente and school,
dropout per gemeente; the other levels have no champion there, which the brief must say).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from models.brief import (
    TEMPLATE,
    TEMPLATES,
    BriefError,
    html_to_pdf,
    htmls_to_pdfs,
    load_published,
    normalise_code,
    pdf_engine,
    render_brief,
    resolve_gemeente,
    write_brief,
)
from models.texts import BRIEF_TEXTS, t

A4 = (595.28, 841.89)  # points


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def published(pipeline_result: dict):
    return load_published(pipeline_result["outputs"], champion_of=lambda name: None)


@pytest.fixture(scope="module")
def with_hidden_schools(published) -> tuple[str, pd.DataFrame]:
    """A gemeente with both shown and hidden under-advice schools, and its schools (published)."""
    schools = published.get("under_advice", "school").scores
    shown_anywhere = {
        p
        for lv in published.levels.values()
        if lv.level == "school" and lv.scores is not None
        for p in lv.scores.loc[~lv.scores["suppressed"].astype(bool), "place_id"]
    }
    hidden_everywhere = schools["suppressed"].astype(bool) & ~schools["place_id"].isin(shown_anywhere)
    counts = (
        schools.assign(h=hidden_everywhere)
        .groupby("gemeente_code")
        .agg(sum=("suppressed", "sum"), count=("suppressed", "count"), h=("h", "sum"))
    )
    mixed = counts[(counts["sum"] >= 2) & (counts["count"] - counts["sum"] >= 3) & (counts["h"] >= 1)]
    code = str(mixed.sort_values("count").index[0])
    return code, schools[schools["gemeente_code"] == code]


@pytest.fixture(scope="module")
def pdf(published, with_hidden_schools, tmp_path_factory) -> Path:
    if pdf_engine() is None:
        pytest.skip("no Chromium to print with (`make browser-deps` installs it)")
    code, _ = with_hidden_schools
    out = tmp_path_factory.mktemp("brief") / "brief.pdf"
    return write_brief(render_brief(published, code, "nl"), out)


def _pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [_words(page.extract_text()) for page in PdfReader(path).pages]


def test_the_pdf_names_the_gemeente_both_signals_both_targets_and_the_notice(
    pdf: Path, published, with_hidden_schools
) -> None:
    code, _schools = with_hidden_schools
    name = str(published.gemeenten.set_index("code").loc[code, "name"])
    pages = _pages(pdf)
    text = " ".join(pages)
    assert name in text and code in text
    assert "Verhoogd — kans op een verhoogd niveau" in text  # the level signal
    assert "Opkomend — " in text  # the emerging signal
    assert "Onderadvisering" in text and "Voortijdig schoolverlaten" in text
    notice = _words(t("simulated_notice", "nl"))
    assert all(notice in page for page in pages), [i for i, p in enumerate(pages) if notice not in p]
    assert len(pages) >= 2


def test_no_hidden_school_is_listed_and_they_are_counted(pdf: Path, published, with_hidden_schools) -> None:
    _code, schools = with_hidden_schools
    text = " ".join(_pages(pdf))
    hidden = schools[schools["suppressed"]]
    # a school hidden for one target may be shown for another (its own pupils and rule): only names
    # hidden in every school table the brief reads must be absent
    shown_names = {
        n
        for lv in published.levels.values()
        if lv.level == "school" and lv.scores is not None
        for n in lv.scores.loc[~lv.scores["suppressed"].astype(bool), "place_name"]
    }
    # names that say nothing else in the brief (not also a shown school's name, not a common word)
    telling = [n for n in hidden["place_name"].dropna() if n not in shown_names and len(n) > 6]
    assert telling, "the chosen gemeente should have a hidden school with its own name"
    assert not [n for n in telling if _words(n) in text]
    assert f"{len(hidden)} scholen niet in deze lijst" in text
    for n in schools.loc[~schools["suppressed"], "place_name"].dropna():
        assert _words(n)[:20] in text  # every shown school is listed


def test_a_hidden_school_gets_no_row_in_the_html(published, with_hidden_schools) -> None:
    code, schools = with_hidden_schools
    html = render_brief(published, code, "nl").html
    ids_shown = schools.loc[~schools["suppressed"]]
    # one row per shown school in the under-advice school table: count the rows holding a PC4 cell
    section = html.split(t("brief_places_heading", "nl", target="Onderadvisering", places="scholen"))[1]
    table = section.split("</table>")[0]
    assert table.count("<tr>") - 1 == len(ids_shown)


def test_every_page_is_a4(pdf: Path) -> None:
    from pypdf import PdfReader

    for page in PdfReader(pdf).pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 2 and abs(float(box.height) - A4[1]) < 2, box


def test_every_page_holds_content_beyond_its_running_header(pdf: Path) -> None:
    """Rendered to images: the body of every page (inside the margins) has ink, and no page holds
    nothing but a table header (its text has more lines than the running header and footer)."""
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        image = np.asarray(doc[i].render(scale=1).to_pil().convert("L"))
        height = image.shape[0]
        body = image[int(height * 0.07) : int(height * 0.92)]  # inside the 17 mm / 16 mm margins
        assert (body < 200).mean() > 0.004, f"page {i + 1} is blank"
    from pypdf import PdfReader

    for i, page in enumerate(PdfReader(pdf).pages):
        lines = [x for x in page.extract_text().splitlines() if x.strip()]
        assert len(lines) > 6, f"page {i + 1} holds almost nothing: {lines}"


def test_the_english_brief_speaks_english(published, with_hidden_schools, tmp_path: Path) -> None:
    code, _ = with_hidden_schools
    made = render_brief(published, code, "en")
    assert '<html lang="en">' in made.html and made.filename().endswith(".en.pdf")
    fixed = {k: p for k, p in BRIEF_TEXTS.items() if "{" not in p[0] and p[0] != p[1] and len(p[0]) > 12}
    from markupsafe import escape

    assert not [k for k, p in fixed.items() if str(escape(p[0])) in made.html]
    assert [k for k, p in fixed.items() if str(escape(p[1])) in made.html]
    if pdf_engine() is None:
        return
    html = tmp_path / "b.html"
    html.write_text(made.html, encoding="utf-8")
    text = " ".join(_pages(html_to_pdf(html, tmp_path / "b.pdf")))
    assert "Elevated — chance of an elevated level" in text and "Emerging — " in text
    assert _words(t("simulated_notice", "en")) in text


def test_a_target_without_champion_says_so(published, with_hidden_schools) -> None:
    code, _ = with_hidden_schools
    html = render_brief(published, code, "nl").html
    # the test world trains no under-advice PC4 or dropout school model
    assert t("brief_no_champion", "nl", target="onderadvisering", level="postcodegebied (pc4)") in html


def test_a_merged_code_is_mapped_to_its_successor_and_said(published) -> None:
    assert normalise_code("457") == "GM0457"
    assert resolve_gemeente("GM0457", published) == ("GM0363", "GM0457")  # Weesp → Amsterdam, 2022
    made = render_brief(published, "gm0457", "nl")
    assert made.code == "GM0363" and made.merged_from == "GM0457"
    assert "De gevraagde gemeentecode GM0457 bestaat niet meer" in made.html
    with pytest.raises(BriefError, match="GM9999"):
        resolve_gemeente("GM9999", published)
    with pytest.raises(BriefError, match="feature year"):
        render_brief(published, "GM0363", "nl", year=1999)


def test_the_brief_reads_only_published_tables(published) -> None:
    """Every table the brief holds went through disclosure control: hidden rows carry no figure."""
    for lv in published.levels.values():
        for table in (lv.scores, lv.history, lv.emerging):
            if table is None:
                continue
            hidden = table[table["suppressed"].astype(bool)]
            figures = [c for c in ("risk", "rate", "shrunk_rate", "n_pupils") if c in hidden]
            assert hidden[figures].isna().all().all()


def test_the_template_holds_no_words_of_its_own() -> None:
    source = (TEMPLATES / TEMPLATE).read_text(encoding="utf-8")
    bare = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<style>.*?</style>|<[^>]+>", " ", source, flags=re.S)
    assert re.findall(r"[A-Za-zÀ-ÿ]{2,}", bare) == ["kansenradar"]  # the product's name in <title>


def test_a_name_cannot_break_out_of_the_page_css() -> None:
    from models.brief import print_css

    css = str(print_css('x"}</style><script>alert(1)</script>', "a\\b", "nl"))
    assert "</style>" not in css and "<script>" not in css
    assert "\\22 }" in css and "\\5c b" in css  # the quote and the backslash are escaped


@pytest.mark.parametrize("playwright", [True, False], ids=["one-browser", "one-chromium-per-file"])
def test_a_batch_of_briefs_prints_each_to_its_own_pdf(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, playwright: bool
) -> None:
    """``brief --all``'s printing: one PDF per HTML, each of its own gemeente, with or without
    Playwright (without it every file gets its own ``chromium --print-to-pdf``)."""
    if pdf_engine() is None:
        pytest.skip("no Chromium to print with (`make browser-deps` installs it)")
    if not playwright:
        import sys

        monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    codes = list(published.gemeenten["code"][:3])
    pages = []
    for code in codes:
        made = render_brief(published, code, "nl")
        pages.append(tmp_path / made.filename(".html"))
        pages[-1].write_text(made.html, encoding="utf-8")
    pdfs = htmls_to_pdfs(pages)
    assert [p.name[:6] for p in pdfs] == codes
    for code, path in zip(codes, pdfs, strict=True):
        text = " ".join(_pages(path))
        assert code in text and _words(t("simulated_notice", "nl")) in text
