"""The built book in a real browser (Debian Chromium via Playwright), served on 127.0.0.1 only.

Never runs `playwright install`: it drives /usr/bin/chromium (`make test` installs it as root).
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from conftest import NOTEBOOKS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = ["intro.html", *(f"notebooks/{md.stem}.html" for md in NOTEBOOKS)]


@pytest.fixture(scope="module")
def site(built_book):
    """Serve _build/html on a free loopback port; yield its base URL."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(built_book / "html")
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `sudo apt-get install chromium`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(browser, url: str):
    """Open url; collect console errors and any request that failed or left 127.0.0.1."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            or problems.append(f"external request: {r.url}")
        ),
    )
    page.goto(url, wait_until="networkidle")
    return page, problems


def svg_of(demo) -> str:
    return demo.locator("svg").first.inner_html()


def redrawn(demo, before: str, timeout_ms: int = 5000) -> bool:
    """Wait until the chart's SVG differs from ``before`` (Vega redraws asynchronously)."""
    svg = demo.locator("svg").first.element_handle()
    try:
        svg.wait_for_element_state("stable")
        demo.page.wait_for_function(
            "([el, old]) => el.innerHTML !== old", arg=[svg, before], timeout=timeout_ms
        )
    except PlaywrightTimeout:
        return False
    return True


def move(slider, value: str) -> None:
    slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", value)


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_and_every_static_slider_moves_its_chart(
    browser, site, path, built_book
):
    page, problems = open_page(browser, site + path)
    shots = built_book / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=shots / f"{Path(path).stem}.png", full_page=True)
    for demo in page.locator(".static-demo").all():
        demo.locator("svg").first.wait_for()
        sliders = demo.locator("input[type=range]").all()
        assert sliders, "a static demo without sliders"
        for slider in sliders:
            before = svg_of(demo)
            low, high = slider.get_attribute("min"), slider.get_attribute("max")
            now = slider.input_value()  # the live value (the attribute is not set)
            move(slider, high if now != high else low)
            assert redrawn(demo, before), f"moving {slider.get_attribute('name')} changed nothing"
            moved = svg_of(demo)
            move(slider, now)
            assert redrawn(demo, moved)
    assert problems == [], "\n".join(problems)
    for img in page.locator("img").all():
        if img.is_visible():
            assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
    page.close()


@pytest.mark.parametrize(
    "path", ["notebooks/linear-regression.html", "notebooks/gradient-descent.html"]
)
def test_static_twin_shows_divergence(browser, site, path):
    page, problems = open_page(browser, site + path)
    demo = page.locator(".static-demo").last
    demo.locator("svg").first.wait_for()
    sliders = demo.locator("input[type=range]").all()
    move(sliders[0], sliders[0].get_attribute("max"))  # the largest learning rate
    move(sliders[1], sliders[1].get_attribute("min"))  # batch size 1
    page.wait_for_function(
        "el => el.innerHTML.includes('diverged at step')",
        arg=demo.locator("svg").first.element_handle(),
        timeout=5000,
    )
    assert problems == [], "\n".join(problems)
