"""The book's notebooks in JupyterLab, started by the command how-to-use.md gives (`make lab`).

A chapter runs there cell by cell, with no error in any output; then the test moves a slider of
its first live panel with the keyboard and sees the picture change. The server listens on
127.0.0.1 only, with a token, and serves copies of the notebooks (so nothing the test runs is
saved into the repository).
"""

import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT
from dlsteps.demos import normal
from test_browser import CHROMIUM, FLAGS

CHAPTER = "normal-and-losses"  # the quickest chapter with live panels


def lab_command() -> list[str]:
    """The documented command that opens JupyterLab."""
    from test_docs_commands import documented_commands

    (command,) = [c for c in documented_commands() if c.startswith("make lab")]
    return shlex.split(command)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab")
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, folder)
    port, token = free_port(), secrets.token_hex(16)
    env = os.environ | {
        "LAB_PORT": str(port),
        "LAB_DIR": str(folder),
        "JUPYTER_TOKEN": token,
        "BROWSER": "true",  # the command opens a browser; here, the test's browser does
    }
    log = (folder / "lab.log").open("w")
    proc = subprocess.Popen(
        lab_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{(folder / 'lab.log').read_text()}")
            time.sleep(1)
    yield url, token, folder
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_lab_listens_on_loopback_only(lab):
    url, _, _ = lab
    assert url.startswith("http://127.0.0.1:")
    args = lab_command()
    steps = subprocess.run(
        ["make", "-n", *args[1:]], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--ServerApp.ip=127.0.0.1" in steps


def test_a_chapter_runs_in_jupyterlab_and_its_live_slider_redraws(lab, browser, built_book):
    url, token, folder = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            or problems.append(f"external request: {r.url}")
        ),
    )
    page.goto(f"{url}/lab/tree/{CHAPTER}.ipynb?token={token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    # The kernel is ready when the status bar names it as idle (the notebook's own indicator
    # reads "idle" for a moment before any kernel exists, and Run All then runs nothing).
    page.locator(".jp-StatusBar-TextItem", has_text="Python 3 (ipykernel) | Idle").wait_for(
        timeout=120_000
    )
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Run All ends on the last cell; the run is over when that cell has the last number.
    saved = folder / f"{CHAPTER}.ipynb"
    cells = [c for c in json.loads(saved.read_text())["cells"] if c["cell_type"] == "code"]
    last = page.locator(".jp-CodeCell .jp-InputPrompt").last
    try:
        expect(last).to_have_text(f"[{len(cells)}]:", timeout=300_000)
    except AssertionError:
        (built_book / "screenshots").mkdir(exist_ok=True)
        page.screenshot(path=built_book / "screenshots" / f"jupyterlab-{CHAPTER}-stuck.png")
        raise
    # What the reader's notebook now holds, read from the file JupyterLab saves.
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while True:
        cells = [c for c in json.loads(saved.read_text())["cells"] if c["cell_type"] == "code"]
        if all(c["execution_count"] for c in cells) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    errors = [
        "".join(out.get("text", "")) or out.get("evalue", "")
        for c in cells
        for out in c["outputs"]
        if out["output_type"] == "error" or out.get("name") == "stderr"
    ]
    assert errors == [], "\n\n".join(errors)

    image = page.locator(".widget-image").first
    image.scroll_into_view_if_needed()
    image.wait_for()
    # Sharp: the picture has two pixels for every CSS pixel it is shown at.
    natural, shown = image.evaluate("i => [i.naturalWidth, i.clientWidth]")
    assert natural == 2 * shown, (natural, shown)
    panel = image.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    # The first slider of the chapter's first panel (demos.normal): a screen reader finds it by
    # its label and hears the value the readout shows, not an index.
    mu = normal.SPACE["mu"]
    handle = panel.get_by_role("slider", name=mu.label, exact=True)
    expect(handle).to_have_attribute("aria-valuetext", mu.text(mu.default))
    before = image.get_attribute("src")
    handle.focus()
    page.keyboard.press("ArrowRight")  # moved with the keyboard, as a reader without a mouse does
    page.wait_for_function(
        "([img, old]) => img.getAttribute('src') !== old",
        arg=[image.element_handle(), before],
        timeout=30_000,
    )
    after = mu.values[mu.values.index(mu.default) + 1]
    expect(handle).to_have_attribute("aria-valuetext", mu.text(after))
    shots = built_book / "screenshots"
    shots.mkdir(exist_ok=True)
    panel.screenshot(path=shots / f"jupyterlab-{CHAPTER}-panel.png")
    assert problems == [], "\n".join(problems)
    page.close()
