"""The real app in headless Chromium: map and table render; a screenshot is saved."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from benchmarks.browser import ARGS as CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_overview_renders_map_and_table_in_chromium(pipeline_run, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (`make browser-deps` installs it)")
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "app" / "kansenradar.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            page.wait_for_selector(".js-plotly-plot .scatterlayer path.js-fill", timeout=90_000)
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
            page.wait_for_timeout(1000)  # let Plotly finish drawing the shapes
            assert page.locator("[data-testid='stException']").count() == 0
            assert "kansenradar" in page.locator("h1").first.inner_text()
            map_png = page.locator(".js-plotly-plot").first.screenshot()
            colours = Image.open(io.BytesIO(map_png)).convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 50  # a coloured map, not a blank box
            shot = Path(os.environ.get("KANSENRADAR_OUTPUT_DIR", tmp_path)) / "overview.png"
            page.screenshot(path=str(shot), full_page=True)
            shots = visit_every_page_in_both_languages(page, port, shot.parent)
            browser.close()
        assert shot.stat().st_size > 20_000
        assert len(shots) == 10 and all(p.stat().st_size > 20_000 for p in shots)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)


SLUGS = ("", "plaats", "prioriteren", "fairness", "model-en-data")
NOTICE = {"nl": "Demonstratiedata: gesimuleerde leerlingen", "en": "Demonstration data: simulated pupils"}
PAGE_TITLES = {"nl": ("Overzicht", "Prioriteren"), "en": ("Overview", "Prioritise")}


def visit_every_page_in_both_languages(page, port: int, out: Path) -> list[Path]:
    """Every page, Dutch then English: the simulated-data notice is on screen and the sidebar's
    page names follow the language. Screenshots are kept beside the overview's."""
    shots = []
    for lang in ("nl", "en"):
        for slug in SLUGS:
            page.goto(f"http://127.0.0.1:{port}/{slug}", timeout=60_000)
            page.get_by_text(NOTICE["nl"], exact=False).first.wait_for(timeout=60_000)  # Dutch first
            if lang == "en":
                page.locator("[data-testid='stSidebar'] label").filter(has_text="English").first.click()
                page.get_by_text(NOTICE["en"], exact=False).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # let the page finish drawing before the screenshot
            nav = page.locator("[data-testid='stSidebarNav']").inner_text()
            assert all(title in nav for title in PAGE_TITLES[lang]), nav
            assert page.locator("[data-testid='stException']").count() == 0, slug
            path = out / f"page_{slug or 'overzicht'}_{lang}.png"
            page.screenshot(path=str(path), full_page=True)
            shots.append(path)
    return shots
