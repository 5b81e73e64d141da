"""Browser timings in Chromium (``make bench`` runs it after the main job; nothing asserted).

What a user waits for, measured as the median of 10 tries until the script run an action caused
has ended and its page is painted (:func:`after_rerun`): the first Overview load on a warm
server, a switch to each other page (and back to the Overview), a gemeente drill-down and a
language switch. AppTest figures are no proxy for this (docs/MEASURED.md), so the real browser
is used.

Usage: ``python -m benchmarks.browser [tries]`` with the bundles of the last ``kansenradar run``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from features.paths import APP_ENTRY, PACKAGES_ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Until Streamlit has finished the run: no running indicator, no stale elements."""
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stStatusWidget']")
               && !document.querySelector("[data-stale='true']")
               && document.querySelector("[data-testid='stMain']")""",
        timeout=timeout_ms,
        polling=50,
    )


COUNT_RUNS = """() => {
  if (window.__runsEnded !== undefined) return;
  window.__runsEnded = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver((records) => {
    for (const r of records) if (r.oldValue !== "notRunning") window.__runsEnded += 1;
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true});
}"""


def after_rerun(page, action, timeout_ms: int = 120_000) -> None:
    """Do ``action`` and wait until the script run it caused has ended and its page is painted.

    Waiting only for "no running indicator" races: right after a click the old page is still
    idle. Streamlit marks its app element with the script state, so state changes are counted
    and the wait is for one more than before the action; a run too quick to ever show a state
    change (well under a second) falls back to the plain idle wait. Then two animation frames,
    so what was sent is also painted.
    """
    page.evaluate(COUNT_RUNS)
    before = page.evaluate("window.__runsEnded")
    action()
    with contextlib.suppress(Exception):  # the run never showed (too quick): the idle wait decides
        page.wait_for_function(f"() => window.__runsEnded > {before}", timeout=1_000, polling=20)
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stApp']").getAttribute("data-test-script-state")
                  === "notRunning"
               && !document.querySelector("[data-stale='true']")
               && !document.querySelector("[data-testid='stStatusWidget']")""",
        timeout=timeout_ms,
        polling=20,
    )
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _timed(action) -> float:
    t0 = time.perf_counter()
    action()
    return time.perf_counter() - t0


def measure(tries: int = 10) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", str(APP_ENTRY), "--server.port", str(port)),
            *("--server.headless", "true", "--browser.gatherUsageStats", "false"),
        ],
        cwd=PACKAGES_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # warm the server's caches once
            wait_idle(page)
            page.wait_for_selector(".js-plotly-plot", timeout=120_000)
            figures: dict[str, list[float]] = {
                k: [] for k in ("first_load", "page_switch", "drill_down", "language")
            }
            nav = page.locator("[data-testid='stSidebarNav'] a")
            for i in (1, 2, 3, 4, 0):  # every page once, so each one's caches are warm
                after_rerun(page, lambda i=i: nav.nth(i).click())
            for _ in range(tries):
                figures["first_load"].append(
                    _timed(
                        lambda: (page.goto(url), page.wait_for_selector(".js-plotly-plot"), wait_idle(page))
                    )
                )
                box = page.locator("[data-testid='stSelectbox']").filter(has_text="Kies een gemeente").first
                box.scroll_into_view_if_needed()
                box.locator("[role='combobox'], input").first.click()  # the list opens: not timed

                def choose() -> None:
                    page.keyboard.press("ArrowDown")
                    page.keyboard.press("ArrowDown")
                    page.keyboard.press("Enter")

                figures["drill_down"].append(_timed(lambda: after_rerun(page, choose)))
                languages = page.locator("[data-testid='stSidebar'] label")
                english = languages.filter(has_text="English").first
                figures["language"].append(_timed(lambda english=english: after_rerun(page, english.click)))
                after_rerun(page, languages.filter(has_text="Nederlands").first.click)
                for i in (1, 2, 3, 4, 0):  # to every other page and back to the Overview
                    seconds = _timed(lambda i=i: after_rerun(page, lambda: nav.nth(i).click()))
                    figures["page_switch"].append(seconds)
                    figures.setdefault(f"to_page_{i}", []).append(seconds)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
    return {f"{k}_median_s": statistics.median(v) for k, v in figures.items()} | {
        f"{k}_max_s": max(v) for k, v in figures.items()
    }


if __name__ == "__main__":
    if not Path(CHROMIUM).exists():
        sys.exit("chromium is not installed: `make browser-deps`")
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    for key, value in result.items():
        print(f"{key:<24} {value:6.2f} s")
