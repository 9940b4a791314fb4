"""The site's templates, the index's findings and the annotated transcript page (no browser)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from online_economy import paths, website
from online_economy.errors import InputError
from online_economy.plotting import FONT_PATH
from online_economy.tables import raw_parsed, write_processed

# The contract with notebook 06, which writes data/processed/findings.json in this form.
FINDINGS_FIXTURE = Path(__file__).with_name("fixtures") / "findings.json"


class Elements(HTMLParser):
    """Every element with an ``id`` or ``data-of``: its attributes and the text inside it."""

    VOID = frozenset({"br", "meta", "img", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str], list[str]]] = []
        self.found: list[tuple[str, dict[str, str], str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        name, attrs, parts = self.open.pop()
        assert name == tag, f"</{tag}> closes <{name}>"
        if "id" in attrs or "data-of" in attrs:
            self.found.append((tag, attrs, "".join(parts)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, _, parts in self.open:
            parts.append(data)


def parse(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    assert parser.open == [], "unclosed elements"
    return parser


# --- nesting ------------------------------------------------------------------

TEXT = "刘平说：无人工厂增长100%，在线医疗1.4万人次。"


def span(start: int, end: int, layer: int = 1, ident: str | None = None) -> website.Span:
    return website.Span(start, end, layer, "mark", ident or f"s-{start}-{end}-{layer}",
                     {"class": "x"})


def pieces(found: list[tuple[str, dict[str, str], str]], ident: str) -> str:
    """The text of a span's first piece and of every later piece (``data-of``)."""
    return "".join(text for _, attrs, text in found
                   if attrs.get("id") == ident or attrs.get("data-of") == ident)


def test_a_quantity_inside_a_mention_nests_inside_it() -> None:
    outer, inner = span(4, 14, 1, "m"), span(10, 14, 2, "q")
    markup = website.nest_spans(TEXT, 0, len(TEXT), [inner, outer])
    assert '<mark id="m" data-start="4" data-end="14" class="x">无人工厂增长<mark id="q"' in markup
    found = parse(markup).found
    assert pieces(found, "m") == TEXT[4:14] and pieces(found, "q") == TEXT[10:14]


def test_crossing_spans_are_split_and_the_pieces_point_back() -> None:
    first, second = span(4, 12, 1, "a"), span(8, 16, 2, "b")
    markup = website.nest_spans(TEXT, 0, len(TEXT), [first, second])
    found = parse(markup).found
    assert [attrs.get("id", attrs.get("data-of")) for _, attrs, _ in found].count("b") == 2
    assert pieces(found, "a") == TEXT[4:12] and pieces(found, "b") == TEXT[8:16]
    assert markup.count('id="b"') == 1 and markup.count('data-start="8"') == 1


def test_text_is_escaped_and_only_the_spans_inside_are_marked() -> None:
    assert website.nest_spans("a<b&c", 0, 5, []) == "a&lt;b&amp;c"
    markup = website.nest_spans(TEXT, 5, 10, [span(4, 8), span(5, 10, ident="in")])
    assert markup == f'<mark id="in" data-start="5" data-end="10" class="x">{TEXT[5:10]}</mark>'


@st.composite
def span_sets(draw: st.DrawFn) -> tuple[str, list[website.Span]]:
    text = draw(st.text(alphabet="在线<>&新经济12%", min_size=1, max_size=30))
    n = draw(st.integers(0, 8))
    spans = []
    for i in range(n):
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, len(text)))
        spans.append(website.Span(a, b, draw(st.integers(0, 2)), "mark", f"s{i}", {"class": "k"}))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(span_sets())
def test_any_spans_give_well_nested_html_that_keeps_the_text(
    case: tuple[str, list[website.Span]],
) -> None:
    text, spans = case
    parsed = parse(website.nest_spans(text, 0, len(text), spans))
    assert "".join(parsed.text) == text
    for s in spans:
        firsts = [a for _, a, _ in parsed.found if a.get("id") == s.ident]
        assert len(firsts) == 1
        assert (firsts[0]["data-start"], firsts[0]["data-end"]) == (str(s.start), str(s.end))
        assert pieces(parsed.found, s.ident) == text[s.start:s.end]


# --- templates, index and findings ----------------------------------------------


def test_templates_ship_with_the_package() -> None:
    pyproject = (paths.ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'online_economy = \[[^\]]*"templates/\*\*/\*"', pyproject)
    names = {p.relative_to(website.TEMPLATES).as_posix() for p in website.TEMPLATES.rglob("*.j2")}
    assert {"page.html.j2", "index.html.j2", "nbconvert/oe-notebook.html.j2",
            "transcript.html.j2", "glossary.html.j2", "figures.html.j2", "site.css.j2"} <= names


def test_index_is_escaped_and_links_the_other_pages(tmp_path: Path) -> None:
    page = website.Page("01-a.html", "A & B", "sum <x>")
    glossary = pd.DataFrame({"term": ["同比"]})
    website.write_site([(page, "")], tmp_path, ["x < y"], glossary=glossary, transcript="<p>")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="01-a.html">A &amp; B</a>' in index and "sum &lt;x&gt;" in index
    assert "<li>x &lt; y</li>" in index
    assert 'href="transcript.html"' in index and 'href="glossary.html"' in index
    assert "figures/index.html" not in index
    assert 'url("fonts/OENotoSansSC-Regular.otf")' in index


def test_findings_json_is_read_and_checked(tmp_path: Path) -> None:
    from online_economy.findings import load_findings  # what the report reads it with

    assert [item["en"] for item in load_findings(FINDINGS_FIXTURE)] == [
        "Five questions, five answers.", "Three categories <of> twelve."]
    path = tmp_path / "findings.json"
    for bad in ('{"findings": [{"id": "x", "en": "y"}]}', "[1, 2]", "{not json"):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(InputError, match=r"findings\.json") as info:
            load_findings(path)
        assert "\n" not in str(info.value)


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("processed")
    write_processed(folder)
    return folder


def test_notebook_pages_link_the_transcript_only_when_it_is_built() -> None:
    from nbformat.v4 import new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# 标题\n\nText.")])
    _, with_link = website.render_page(Path("01-x.ipynb"), nb)
    _, without = website.render_page(Path("01-x.ipynb"), nb, transcript=False)
    assert 'href="transcript.html"' in with_link and 'href="index.html"' in with_link
    assert 'href="transcript.html"' not in without


PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
         "rkJggg==")


@pytest.mark.parametrize("language", [{"name": "python", "pygments_lexer": "ipython3"},
                                      {"name": "bash"}, None])
def test_a_notebook_page_is_what_htmlexporter_would_make_of_it(language: dict | None) -> None:
    """render_page skips HTMLExporter's BeautifulSoup pass over the page; the template adds what
    that pass would (focusable inputs and outputs, alt text on output images), so BeautifulSoup
    turns the page into HTMLExporter's, byte for byte."""
    from nbconvert.exporters.html import BeautifulSoup  # the one HTMLExporter uses
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    outputs = [new_output("stream", name="stdout", text="a < b & 'c'\n"),
               new_output("stream", name="stderr", text="warning\n"),
               new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
               new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
               new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"}),
               new_output("error", ename="KeyError", evalue="'x'", traceback=["KeyError: 'x'"])]
    code = new_code_cell("x = {'a': 1} if 1 < 2 else \"b\"  # 注释", outputs=outputs,
                         execution_count=1)
    text = new_markdown_cell("# Title · \"quoted\"\n\n![pixel](p.png) *x*")
    nb = new_notebook(cells=[text, code])
    if language:
        nb.metadata["language_info"] = language
    source = Path("01-x.ipynb")
    _, page = website.render_page(source, nb, transcript=False)
    resources = {"metadata": {"name": "Title · \"quoted\"", "path": str(source.parent)},
                 "site_css": website._render("site.css.j2", ""), "transcript_page": ""}
    expected, _ = website.exporter().from_notebook_node(nb, resources=resources)  # with the soup
    assert str(BeautifulSoup(page, features="html.parser")) == expected
    assert page.count('tabindex="0"') == 2 + len(outputs)  # the two cells' inputs, the outputs
    assert page.count('alt="No description has been provided for this image"') == 1


# --- the transcript page -------------------------------------------------------------


@pytest.fixture(scope="module")
def transcript(processed: Path) -> dict:
    markup = website.render_transcript(processed)
    return {"markup": markup, "found": parse(markup).found,
            "quantities": pd.read_csv(processed / "quantities.csv", encoding="utf-8-sig",
                                      keep_default_na=False),
            "mentions": pd.read_csv(processed / "domain_mentions.csv", encoding="utf-8-sig",
                                    keep_default_na=False)}


def _marked(found: list, kind: str) -> list[tuple[int, int, str]]:
    return sorted((int(a["data-start"]), int(a["data-end"]), pieces(found, a["id"]))
                  for _, a, _ in found if a.get("data-kind") == kind and "id" in a)


def test_every_quantity_and_mention_is_marked_once_at_its_offsets(transcript: dict) -> None:
    text = raw_parsed().text
    q, m = transcript["quantities"], transcript["mentions"]
    assert _marked(transcript["found"], "quantity") == sorted(
        (int(r.start), int(r.end), text[r.start:r.end]) for r in q.itertuples())
    assert _marked(transcript["found"], "mention") == sorted(
        (int(r.start), int(r.end), str(r.term)) for r in m.itertuples())
    assert [text[a:b] for a, b, _ in _marked(transcript["found"], "quantity")] == [
        s for _, _, s in _marked(transcript["found"], "quantity")]


def test_every_mark_has_an_anchor_a_tooltip_and_offsets(transcript: dict) -> None:
    marks = [(t, a) for t, a, _ in transcript["found"] if t == "mark" and "id" in a]
    ids = [a["id"] for _, a in marks]
    assert len(ids) == len(set(ids)) == len(transcript["quantities"]) + len(
        transcript["mentions"])
    tips = {a["id"] for _, a, _ in transcript["found"] if a.get("id", "").startswith("tip-")}
    for _, attrs in marks:
        assert attrs["tabindex"] == "0" and attrs["data-tip"]
        assert attrs["aria-describedby"] in tips
        assert re.fullmatch(r"[qm]-\d+-\d+", attrs["id"])
        assert attrs["id"] == f"{attrs['id'][0]}-{attrs['data-start']}-{attrs['data-end']}"


def test_quantity_tooltips_carry_value_unit_qualifier_and_domain(transcript: dict) -> None:
    attrs = {a["id"]: a for _, a, _ in transcript["found"] if "id" in a}
    for q in transcript["quantities"].itertuples():
        tip = attrs[f"q-{q.start}-{q.end}"]["data-tip"]
        assert f"value {website._number(q.value)}" in tip and f"qualifier: {q.qualifier or 'none'}"
        assert "unit: " in tip and "domain: " in tip and "category: " in tip
        if q.domain:
            assert str(q.domain_zh) in tip
    assert "value 188,428,000,000" in attrs["q-3269-3278"]["data-tip"]


def test_the_three_categories_and_their_lists_are_shown(transcript: dict) -> None:
    from online_economy.taxonomy import load_categories

    text = raw_parsed().text
    attrs = {a["id"]: (a, body) for _, a, body in transcript["found"] if "id" in a}
    for cat in load_categories().itertuples():
        paragraph, _ = attrs[f"p-{cat.paragraph_start}-{cat.paragraph_end}"]
        assert f"cat-{cat.id}" in paragraph["class"]
        lst, body = attrs[f"list-{cat.id}"]
        assert body.startswith("包括") and body.endswith("等")
        assert body == text[int(lst["data-start"]):int(lst["data-end"])]


def test_every_mention_shows_its_basis(transcript: dict) -> None:
    attrs = {a["id"]: a for _, a, _ in transcript["found"] if "id" in a}
    for m in transcript["mentions"].itertuples():
        mark = attrs[f"m-{m.start}-{m.end}"]
        assert mark["data-basis"] == m.basis and f"basis-{m.basis}" in mark["class"].split()
        assert f"basis: {website.BASIS_EN[m.basis]}" in mark["data-tip"]


def test_every_chinese_character_on_the_page_is_in_the_bundled_font(transcript: dict) -> None:
    cmap = TTFont(FONT_PATH).getBestCmap()
    page = re.sub(r"<style>.*?</style>", "", transcript["markup"], flags=re.S)
    missing = sorted({c for c in page if ord(c) > 0x2E7F and ord(c) not in cmap})
    assert missing == []


def test_every_paragraph_has_its_english(transcript: dict) -> None:
    markup = transcript["markup"]
    assert markup.count('<p class="en" lang="en">') == len(raw_parsed().paragraphs)
    assert "the project's own working English translation" in markup
