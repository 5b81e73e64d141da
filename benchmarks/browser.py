"""Browser timings in Chromium (``make bench`` runs it after the main job; nothing asserted).

What a user waits for, measured as the median of 10 tries until Streamlit is idle (its status
widget gone and no element marked stale): the first Overview load on a warm server, a switch to
another page, a gemeente drill-down and a language switch. AppTest figures are no proxy for this
(docs/MEASURED.md), so the real browser is used.

Usage: ``python -m benchmarks.browser [tries]`` with the bundles of the last ``kansenradar run``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from features.paths import APP_ENTRY, REPO_ROOT

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
        cwd=REPO_ROOT,
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
            for _ in range(tries):
                figures["first_load"].append(
                    _timed(
                        lambda: (page.goto(url), page.wait_for_selector(".js-plotly-plot"), wait_idle(page))
                    )
                )

                def drill() -> None:
                    box = (
                        page.locator("[data-testid='stSelectbox']").filter(has_text="Kies een gemeente").first
                    )
                    box.scroll_into_view_if_needed()
                    box.locator("[role='combobox'], input").first.click()
                    page.keyboard.press("ArrowDown")
                    page.keyboard.press("ArrowDown")
                    page.keyboard.press("Enter")
                    wait_idle(page)

                figures["drill_down"].append(_timed(drill))
                figures["language"].append(
                    _timed(
                        lambda: (
                            page.locator("[data-testid='stSidebar'] label")
                            .filter(has_text="English")
                            .first.click(),
                            wait_idle(page),
                        )
                    )
                )
                figures["page_switch"].append(
                    _timed(
                        lambda: (
                            page.locator("[data-testid='stSidebarNav'] a").nth(2).click(),
                            wait_idle(page),
                        )
                    )
                )
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
