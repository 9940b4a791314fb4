"""The HTML site from the committed notebooks, opened offline in headless Chromium.

The site is built with ``--no-execute`` (stored outputs) into a temporary folder and
driven over the Chrome DevTools protocol. ``ONLINE_ECONOMY_SITE_NOTEBOOKS`` picks
another notebook folder; ``ONLINE_ECONOMY_SCREENSHOTS`` also keeps the screenshots.
Install the browser with ``apt-get install chromium``; without it these tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths, report
from online_economy.website import FONT_FACE, TRANSCRIPT_PAGE

pytest.importorskip("websocket")
from browser_tools import CHROMIUM, DevTools, chromium

NOTEBOOKS = Path(os.environ.get("ONLINE_ECONOMY_SITE_NOTEBOOKS", paths.ROOT / "notebooks"))
PAGE_STATE = """JSON.stringify({
  href: location.href, title: document.title, ready: document.readyState,
  h1: (document.querySelector('h1') || {}).textContent || '',
  links: [...document.querySelectorAll('a[href]')]
    .filter(a => !a.getAttribute('href').startsWith('#'))
    .map(a => [a.href, a.textContent.trim()]),
  images: [...document.images].map(i => [i.src.slice(0, 60), i.complete, i.naturalWidth]),
})"""

# Every marked span of the transcript page: kind, id, offsets, its text (with the pieces of a
# span that another crosses), whether the keyboard reaches it, and its colour.
MARKS = """JSON.stringify([...document.querySelectorAll('[data-kind][id]')].map(e => ({
  kind: e.dataset.kind, id: e.id, start: +e.dataset.start, end: +e.dataset.end,
  text: e.textContent + [...document.querySelectorAll(`[data-of="${e.id}"]`)]
    .map(x => x.textContent).join(''),
  tab: e.tabIndex, category: e.dataset.category || '', basis: e.dataset.basis || '',
  colour: getComputedStyle(e).getPropertyValue('--c').trim(),
})))"""
# Focus one quantity as the keyboard would and read the tooltip drawn beside it.
FOCUS = """(() => {
  const q = document.querySelector('mark[data-kind="quantity"][data-domain]:not([data-domain=""])');
  q.scrollIntoView({block: 'center'});
  q.focus();
  const after = getComputedStyle(q, '::after');
  return JSON.stringify({id: q.id, active: document.activeElement === q, tip: q.dataset.tip,
    content: after.content, display: after.display, visibility: after.visibility});
})()"""
SHOTS = ("index.png", "notebook.png", "transcript.png", "transcript-focus.png")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"no Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        not sorted(NOTEBOOKS.glob(paths.NOTEBOOK_GLOB)),
        reason=f"no NN-*.ipynb notebooks in {NOTEBOOKS} yet",
    ),
]


def _open(tools: DevTools, url: str) -> dict:
    tools.open(url)
    return json.loads(tools.evaluate(PAGE_STATE))


@pytest.fixture(scope="module")
def visit(tmp_path_factory):
    """Build the site, open the index and every page it links to; record what loaded."""
    tmp = tmp_path_factory.mktemp("site")
    html_dir = tmp / "html"
    (tmp / "processed").mkdir()  # the index lists the findings notebook 06 left there
    shutil.copy2(paths.PROCESSED / "findings.json", tmp / "processed")
    status = report.main(["--no-execute", "--notebooks", str(NOTEBOOKS), "--html",
                          str(html_dir), "--processed", str(tmp / "processed")])
    assert status == 0
    with chromium(tmp / "profile") as tools:
        tools.call("Network.emulateNetworkConditions", offline=True, latency=0,
                   downloadThroughput=-1, uploadThroughput=-1)
        index_url = (html_dir / "index.html").as_uri()
        pages = {index_url: _open(tools, index_url)}
        requests = tools.requests()
        tools.screenshot(tmp / "index.png")
        fonts = tools.fonts_of("h1")
        for url, _ in pages[index_url]["links"]:
            pages[url] = _open(tools, url)
            requests += tools.requests()
        first = next(url for url, _ in pages[index_url]["links"]
                     if url.endswith(".html") and not url.endswith(TRANSCRIPT_PAGE))
        notebook = _open(tools, first)
        tools.screenshot(tmp / "notebook.png")
        transcript_url = (html_dir / TRANSCRIPT_PAGE).as_uri()
        pages[transcript_url] = _open(tools, transcript_url)
        requests += tools.requests()
        marks = json.loads(tools.evaluate(MARKS))
        transcript_fonts = tools.fonts_of("p.zh")
        tools.screenshot(tmp / "transcript.png")
        tools.call("Emulation.setFocusEmulationEnabled", enabled=True)
        focus = json.loads(tools.evaluate(FOCUS))
        tools.screenshot(tmp / "transcript-focus.png")
        for kind in ("keyDown", "keyUp"):
            tools.call("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab",
                       windowsVirtualKeyCode=9)
        focus["after_tab"] = tools.evaluate(
            "(document.activeElement.id || '') + ' ' + (document.activeElement.dataset.kind || '')")
        keep = os.environ.get("ONLINE_ECONOMY_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for shot in SHOTS:
                shutil.copy2(tmp / shot, Path(keep) / shot)
    return {"tmp": tmp, "index": index_url, "pages": pages, "requests": requests,
            "fonts": fonts, "html": html_dir, "notebook": notebook, "marks": marks,
            "transcript_fonts": transcript_fonts, "focus": focus}


def test_index_links_every_notebook(visit):
    index = visit["pages"][visit["index"]]
    assert index["ready"] == "complete"
    assert "在线新经济" in index["title"] and "在线新经济" in index["h1"]
    linked = {url.rsplit("/", 1)[-1] for url, _ in index["links"]}
    expected = {f"{p.stem}.html" for p in NOTEBOOKS.glob(paths.NOTEBOOK_GLOB)}
    assert expected <= linked
    assert "index.html" in linked  # figures/index.html


def test_every_linked_page_loads_with_its_title_and_images(visit):
    index = visit["pages"][visit["index"]]
    for url, text in index["links"]:
        page = visit["pages"][url]
        assert page["href"] == url, f"{url} did not load (got {page['href']})"
        assert page["ready"] == "complete"
        assert page["title"] == text, url
        for src, complete, width in page["images"]:
            assert complete and width > 0, f"image {src}… did not load in {url}"


def test_nothing_was_fetched_from_outside_the_site_folder(visit):
    assert visit["requests"], "no requests were recorded at all"
    folder = visit["html"].as_uri() + "/"
    for url in visit["requests"]:
        assert url.startswith((folder, "data:")), url
    assert any(url.endswith(".otf") for url in visit["requests"]), "the font was not loaded"


def test_screenshots_were_taken(visit):
    for shot in SHOTS:
        data = (visit["tmp"] / shot).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 5000


def test_chinese_text_is_drawn_with_the_bundled_font(visit):
    """The pages bring their own CJK font (no system font needed): the heading uses it."""
    used = visit["fonts"]
    assert used.get(FONT_FACE, 0) >= len("在线新经济"), used


def test_index_and_notebook_pages_link_the_transcript(visit):
    for page in (visit["pages"][visit["index"]], visit["notebook"]):
        linked = {url.rsplit("/", 1)[-1] for url, _ in page["links"]}
        assert TRANSCRIPT_PAGE in linked, page["href"]


def _table(visit, name: str) -> pd.DataFrame:
    return pd.read_csv(visit["tmp"] / "processed" / name, encoding="utf-8-sig",
                       keep_default_na=False)


def test_every_quantity_is_marked_exactly_once_at_its_offsets(visit):
    text = paths.TRANSCRIPT.read_text(encoding="utf-8")
    quantities = _table(visit, "quantities.csv")
    marked = [m for m in visit["marks"] if m["kind"] == "quantity"]
    assert len(marked) == len(quantities)
    assert sorted((m["start"], m["end"]) for m in marked) == sorted(
        zip(quantities["start"], quantities["end"], strict=True))
    for m in marked:
        assert m["text"] == text[m["start"]:m["end"]], m
        assert m["tab"] == 0 and m["colour"], m


def test_every_domain_mention_is_marked_with_its_category_and_basis(visit):
    mentions = _table(visit, "domain_mentions.csv")
    marked = sorted((m["start"], m["end"], m["text"], m["category"], m["basis"])
                    for m in visit["marks"] if m["kind"] == "mention")
    basis = mentions["basis"] if "basis" in mentions.columns else ["unknown"] * len(mentions)
    assert marked == sorted(zip(mentions["start"], mentions["end"], mentions["term"],
                                mentions["category"], basis, strict=True))
    colours = {m["category"]: m["colour"] for m in visit["marks"] if m["kind"] == "mention"}
    assert len({colours[c] for c in ("new", "shift", "scale")}) == 3


def test_a_focused_quantity_shows_its_tooltip(visit):
    focus = visit["focus"]
    assert focus["active"], "the quantity did not take the focus"
    assert focus["display"] != "none" and focus["visibility"] == "visible"
    assert "value " in focus["content"] and focus["tip"].split("\n")[0] in focus["content"]
    # the Tab key moves on to the next marked span
    ident, kind = focus["after_tab"].split(" ")
    assert kind in ("quantity", "mention") and ident != focus["id"], focus["after_tab"]


def test_the_transcript_chinese_is_drawn_with_the_bundled_font(visit):
    used = visit["transcript_fonts"]
    assert used.get(FONT_FACE, 0) >= 20 and set(used) == {FONT_FACE}, used
