"""The built book in a real browser (Debian Chromium via Playwright), served on 127.0.0.1 only.

Never runs `playwright install`: it drives /usr/bin/chromium (`make test` installs it as root).
"""

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from conftest import NOTEBOOKS, ROOT

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
PAGES = [
    "intro.html",
    "how-to-use.html",
    "genindex.html",
    *(f"notebooks/{md.stem}.html" for md in NOTEBOOKS),
    "glossary.html",
    "bibliography.html",
]
REPORT: dict[str, dict[str, int]] = {}  # page -> figures and sliders checked, for the build


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
    demos = page.locator(".static-demo").all()
    for demo in demos:
        demo.locator("svg").first.wait_for()
        marks = (
            "svg .mark-line path, svg .mark-symbol path, svg .mark-rect path, svg .mark-rule line"
        )
        assert demo.locator(marks).count() > 0, "a chart that drew no marks"
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
    figures = page.locator("figure img").all()
    for img in figures:
        img.scroll_into_view_if_needed()
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), img.get_attribute("src")
    REPORT[path] = {
        "figures": len(figures),
        "static demos": len(demos),
        "sliders moved": sum(d.locator("input[type=range]").count() for d in demos),
    }
    (built_book / "browser-report.json").write_text(json.dumps(REPORT, indent=2) + "\n")
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


@pytest.mark.parametrize("md", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_button_opens_the_committed_ipynb(browser, site, md):
    page, problems = open_page(browser, site + f"notebooks/{md.stem}.html")
    links = [
        a.get_attribute("href") for a in page.locator("a[href*='colab.research.google.com']").all()
    ]
    assert len(links) == 1, links
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    prefix = f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
    assert links[0].startswith(prefix) and links[0].endswith(".ipynb"), links[0]
    assert (ROOT / links[0].removeprefix(prefix)).is_file(), links[0]
    assert problems == []


def test_table_of_contents_lists_every_chapter_in_order(browser, site):
    page, problems = open_page(browser, site + "intro.html")
    chapters = page.locator("nav.bd-docs-nav ul.bd-sidenav:not(.bd-sidenav__home-link) a.reference")
    nav = [a.get_attribute("href") for a in chapters.all()]
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert [h.removesuffix(".html") for h in nav] == [c["file"] for c in toc["chapters"]]
    assert problems == []


def test_search_works_offline(browser, site):
    page, problems = open_page(browser, site + "search.html?q=softmax")
    page.locator("#search-results li").first.wait_for(timeout=10_000)
    hits = page.locator("#search-results li a").all_inner_texts()
    assert any("Softmax" in h for h in hits), hits
    assert problems == []
