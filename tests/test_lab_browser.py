"""JupyterLab as ``make lab`` starts it, seen in headless Chromium on a machine with no CJK font.

The server runs ``python -m online_economy.lab`` on a random loopback port with a temporary
HOME; the test opens notebook 02, waits for it to render, and checks that the Chinese in a
markdown cell and in a table output is drawn with the bundled font, that the notebook runs in
the project kernel, that no news prompt shows, and that HOME is left untouched.
``ONLINE_ECONOMY_SCREENSHOTS`` keeps the screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest

from online_economy import lab, paths
from online_economy.plotting import FONT_FAMILY

pytest.importorskip("websocket")
from browser_tools import CHROMIUM, chromium, local_json, stop

NOTEBOOK = "02-categories-and-domains.ipynb"
#: The first markdown cell with Chinese, and the first table cell with Chinese, made findable.
PROBES = """(() => {
  const cjk = /[\\u4e00-\\u9fff]/;
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const shown = e => e.offsetParent !== null && cjk.test(e.textContent);
  const md = [...panel.querySelectorAll('.jp-MarkdownOutput h1, .jp-MarkdownOutput p')]
    .find(shown);
  const td = [...panel.querySelectorAll('.jp-OutputArea-output table td')].find(shown);
  if (!md || !td) return false;
  md.setAttribute('data-probe', 'markdown'); td.setAttribute('data-probe', 'table');
  td.scrollIntoView(); md.scrollIntoView();
  return [md.textContent.slice(0, 40), td.textContent.slice(0, 20)];
})()"""

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM}")


def _drawn_with(tools, probe: str, timeout: float = 30) -> dict[str, int]:
    """The fonts that draw the probe once it is on screen and its fonts have loaded.

    Fonts load lazily, when text that needs them is first laid out, so the probe is scrolled
    into view and measured until the bundled font shows up or the time runs out.
    """
    deadline = time.monotonic() + timeout
    while True:
        tools.evaluate(f"document.querySelector('[data-probe={probe}]').scrollIntoView()")
        tools.evaluate(f"document.fonts.load('16px \"{FONT_FAMILY}\"', '中').then(() => true)")
        used = tools.fonts_of(f"[data-probe={probe}]")
        if used.get(FONT_FAMILY) or time.monotonic() > deadline:
            return used
        time.sleep(0.5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _snapshot(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """Start the lab as `make lab` does, open notebook 02 in Chromium, collect what we check."""
    tmp = tmp_path_factory.mktemp("lab")
    home = tmp / "home"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "keep.json").write_text("{}")
    before = _snapshot(home)
    port = _free_port()
    log = (tmp / "lab.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "online_economy.lab", str(paths.ROOT / "notebooks"),
         "--port", str(port)],
        env={**os.environ, "HOME": str(home)}, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp / "lab.log").read_text()[-2000:]
            try:
                local_json(port, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "JupyterLab did not start in 90 s"
                time.sleep(0.3)
        with chromium(tmp / "profile", loopback=True) as tools:
            tools.call("Page.navigate", url=f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?reset")
            probes = tools.wait_until(PROBES, timeout=90)
            fonts = {name: _drawn_with(tools, name) for name in ("markdown", "table")}
            toasts = tools.evaluate(
                "[...document.querySelectorAll('.Toastify__toast')].map(t => t.textContent)")
            tools.screenshot(tmp / "lab.png")
        sessions = local_json(port, "/api/sessions")
    finally:
        stop(server, timeout=20)
        log.close()
    keep = os.environ.get("ONLINE_ECONOMY_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy2(tmp / "lab.png", Path(keep) / "jupyterlab.png")
    return {"tmp": tmp, "probes": probes, "fonts": fonts, "toasts": toasts,
            "sessions": sessions, "home_before": before, "home_after": _snapshot(home)}


def test_chinese_in_markdown_and_tables_is_drawn_with_the_bundled_font(session):
    for where, used in session["fonts"].items():
        assert used.get(FONT_FAMILY, 0) >= 2, (where, session["probes"], used)


def test_the_notebook_runs_in_the_project_kernel(session):
    kernels = {s["path"].rsplit("/", 1)[-1]: s["kernel"]["name"] for s in session["sessions"]}
    assert kernels.get(NOTEBOOK) == lab.KERNEL_NAME, kernels


def test_no_news_or_update_prompt(session):
    assert not any("news" in t.lower() or "update" in t.lower() for t in session["toasts"])


def test_home_is_left_untouched(session):
    assert session["home_after"] == session["home_before"]


def test_a_screenshot_was_kept(session):
    data = (session["tmp"] / "lab.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20000
