"""The built book in a real browser (Debian Chromium via Playwright), served on 127.0.0.1 only.

Never runs `playwright install`: it drives /usr/bin/chromium (`make test` installs it as root).
"""

import functools
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from conftest import NOTEBOOKS, ROOT, ZH_NOTEBOOKS

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
ENGLISH = [
    "intro.html",
    "how-to-use.html",
    "genindex.html",
    *(f"notebooks/{md.stem}.html" for md in NOTEBOOKS),
    "glossary.html",
    "bibliography.html",
]
PAGES = [*ENGLISH, *(f"zh/{path}" for path in ENGLISH)]  # both editions
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


@pytest.mark.parametrize(
    "md", [*NOTEBOOKS, *ZH_NOTEBOOKS], ids=lambda p: str(p.relative_to(ROOT).with_suffix(""))
)
def test_colab_button_opens_the_committed_ipynb(built_book, md):
    """The theme writes the launch button into the page itself: read it from the built HTML.
    A Chinese page opens the Chinese notebook."""
    from bs4 import BeautifulSoup

    chapter = md.relative_to(ROOT).with_suffix("")
    html = (built_book / "html" / f"{chapter}.html").read_text(encoding="utf-8")
    anchors = BeautifulSoup(html, "html.parser").select("a[href*='colab.research.google.com']")
    links = [a["href"] for a in anchors]
    assert len(links) == 1, links
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    prefix = f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
    assert links[0].startswith(prefix) and links[0].endswith(".ipynb"), links[0]
    assert links[0].removeprefix(prefix) == f"{chapter}.ipynb", links[0]
    assert (ROOT / links[0].removeprefix(prefix)).is_file(), links[0]


def test_every_page_links_to_the_same_page_in_the_other_edition(built_book):
    """The language switch at the top of each page leads to that page's twin, which exists."""
    from bs4 import BeautifulSoup

    html = built_book / "html"
    pages = [
        p for p in html.glob("**/*.html") if "_static" not in p.parts and "_sources" not in p.parts
    ]
    pages = [p for p in pages if 'http-equiv="refresh"' not in p.read_text("utf-8").lower()]
    assert len(pages) == 2 * len(ENGLISH) + 2  # with search.html in each edition
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = soup.select("a.dlsteps-language")
        assert len(links) == 1, path
        page = path.relative_to(html).as_posix()
        twin = page.removeprefix("zh/") if page.startswith("zh/") else f"zh/{page}"
        target = (path.parent / links[0]["href"]).resolve()
        assert target == (html / twin).resolve() and target.is_file(), (page, links[0]["href"])
        language = "zh-CN" if page.startswith("zh/") else "en"
        assert soup.html["lang"] == language, page
        assert (
            links[0]["lang"] == links[0]["hreflang"] == ("en" if language == "zh-CN" else "zh-CN")
        )


def test_table_of_contents_lists_every_chapter_in_order(browser, site):
    page, problems = open_page(browser, site + "intro.html")
    chapters = page.locator("nav.bd-docs-nav ul.bd-sidenav:not(.bd-sidenav__home-link) a.reference")
    nav = [a.get_attribute("href") for a in chapters.all()]
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert [h.removesuffix(".html") for h in nav] == [c["file"] for c in toc["chapters"]]
    assert problems == []


@pytest.mark.parametrize(
    "query, title", [("softmax", "Softmax"), ("zh/search.html?q=学习率", "梯度下降")]
)
def test_search_works_offline(browser, site, query, title):
    path = query if "?" in query else f"search.html?q={query}"
    page, problems = open_page(browser, site + path)
    page.locator("#search-results li").first.wait_for(timeout=10_000)
    hits = page.locator("#search-results li a").all_inner_texts()
    assert any(title in h for h in hits), hits
    assert problems == []


# --- Accessibility, phones and dark mode ----------------------------------------------------------

WCAG = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
# Every axe rule of WCAG 2.0/2.1 A and AA, the experimental ones too (label-content-name-mismatch,
# WCAG 2.5.3, is one); the experimental rules outside WCAG are dropped from the findings below.
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": [*sorted(WCAG), "experimental"]},
    "resultTypes": ["violations"],
}


# True once every twin's axis labels are light on dark, or dark on light (luminance as below).
TWINS_IN_SCHEME = """dark => [...document.querySelectorAll('.static-demo')].every(d => {
    const label = d.querySelector('svg .role-axis-label text');
    if (!label) return false;
    const [r, g, b] = getComputedStyle(label).fill.match(/\\d+/g).map(Number);
    return ((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.6) === dark;
})"""


SETTLED = "() => document.getAnimations().every(a => a.playState !== 'running')"


def drawn(page) -> None:
    """Wait until every static twin has drawn its chart."""
    for demo in page.locator(".static-demo").all():
        demo.locator("svg").first.wait_for()


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_21_aa_violation_in_light_or_dark_mode(browser, site, path):
    """axe-core on each page in light mode, then again after the system turns to dark mode."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="light")
    page.goto(site + path, wait_until="networkidle")
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # the theme follows the system's preference
        page.wait_for_function("s => document.documentElement.dataset.theme === s", arg=scheme)
        drawn(page)
        page.wait_for_function(TWINS_IN_SCHEME, arg=scheme == "dark")  # redrawn in its colours
        # The theme fades its colours into the new scheme; axe must not measure half-way.
        page.wait_for_function(SETTLED)
        found += [
            f"{scheme}: {v['id']}: {v['help']}: {[n['target'] for n in v['nodes'][:4]]}"
            for v in Axe().run(page, options=WCAG_21_AA).response["violations"]
            if WCAG & set(v["tags"])
        ]
    assert found == [], "\n".join(found)
    page.close()


def luminance(css_color: str) -> float:
    r, g, b = (int(c) for c in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


TWIN_PAGES = [f"notebooks/{md.stem}.html" for md in NOTEBOOKS if ".twin(" in md.read_text()]


WIDTHS = [1280, 768, 390]  # desktop, tablet, phone


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", TWIN_PAGES)
def test_static_twins_fit_the_screen_follow_the_theme_and_show_real_values(
    browser, site, path, scheme, built_book
):
    """At each width (the page resized in place, as a turned tablet is), every twin fits."""
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900}, color_scheme=scheme)
    page.goto(site + path, wait_until="networkidle")
    drawn(page)
    demos = page.locator(".static-demo").all()
    assert demos, "no static twin on a page with live panels"
    shots = built_book / "screenshots" / "twins"
    shots.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # The charts redraw at their column's new width (a ResizeObserver); wait for that.
        page.wait_for_function(
            """() => [...document.querySelectorAll('.static-demo')].every(d => {
                const svg = d.querySelector('svg');
                return svg && svg.getBoundingClientRect().width <= d.clientWidth + 1;
            })""",
            timeout=10_000,
        )
        page.wait_for_timeout(200)  # the redraw that follows a resize is asynchronous
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{width} px: the page scrolls sideways: {scroll} > {client}"
        for i, demo in enumerate(demos):
            demo.scroll_into_view_if_needed()
            box = demo.bounding_box()
            chart = demo.locator("svg").first.bounding_box()
            assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width, (width, i, chart)
            # Nothing cut off: every piece of text (axes, legend, caption) inside the twin's
            # box, and none shortened with an ellipsis.
            for text, x, right in demo.locator("svg text").evaluate_all(
                """ts => ts.map(t => {
                    const r = t.getBoundingClientRect();
                    return [t.textContent, r.left, r.right];
                })"""
            ):
                assert box["x"] - 1 <= x and right <= box["x"] + box["width"] + 1, (width, i, text)
                assert not text.endswith("…"), (width, i, text)
            # Axis labels in the page's own text colour: dark on light, light on dark.
            label = demo.locator("svg .role-axis-label text").first
            fill = label.evaluate("t => getComputedStyle(t).fill")
            assert (luminance(fill) > 0.6) == (scheme == "dark"), fill
            for bind in demo.locator(".vega-bind").all():
                slider = bind.locator("input[type=range]")
                shown = bind.locator(".vega-bind-value").inner_text()
                # The real value is printed and announced; a slider over a grid of 3 or more
                # values would otherwise show its index, 0, 1, 2, ...
                assert shown == slider.get_attribute("aria-valuetext")
                assert slider.get_attribute("aria-label"), "a slider without a name"
            demo.screenshot(path=shots / f"{Path(path).stem}-{i}-{width}-{scheme}.png")
    page.close()


def test_static_slider_prints_its_real_value_as_it_moves(browser, site):
    from dlsteps.demos import linreg

    page, problems = open_page(browser, site + "notebooks/linear-regression.html")
    lr = linreg.SPACE["lr"]
    demo = page.locator(".static-demo").last
    drawn(page)
    bind = demo.locator(".vega-bind").filter(has_text=lr.label).first
    slider = bind.locator("input[type=range]")
    assert bind.locator(".vega-bind-value").inner_text() == lr.text(lr.default)
    slider.focus()
    page.keyboard.press("End")  # the keyboard moves it, as it moves every range input
    assert bind.locator(".vega-bind-value").inner_text() == lr.text(lr.values[-1])
    assert slider.get_attribute("aria-valuetext") == lr.text(lr.values[-1])
    assert problems == []
