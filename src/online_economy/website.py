"""Render executed notebooks, the annotated transcript and an index to an offline HTML site.

Every page comes from a Jinja2 template in ``online_economy/templates``. nbconvert's
``lab`` template loads require.js, MathJax, Mermaid and the widget manager from CDNs; our
``nbconvert/oe-notebook.html.j2`` empties those blocks, images are embedded as data URIs
and the CSS is inlined, so every page works from disk, drawing Chinese in the bundled font.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import nbformat
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from nbconvert import HTMLExporter

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv

TITLE = "Shanghai's online new economy (在线新经济): the press conference of 13 April 2020"
FIGURE_SUFFIXES = (".png", ".svg")
TEMPLATES = Path(__file__).with_name("templates")
TRANSLATION = paths.REFERENCE / "translation_en.csv"
TRANSLATION_COLUMNS = ["turn", "paragraph", "start", "end", "en", "note"]
TRANSCRIPT_PAGE = "transcript.html"
FINDINGS_JSON = "findings.json"

# Chinese text in the project's own bundled font (copied beside the pages, so no
# system CJK font is needed), then the system's; charts are images.
FONT_FILE = "OENotoSansSC-Regular.otf"
FONT_FACE = "OE Noto Sans SC"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "html.j2", "j2"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def site_css(root: str = "") -> str:
    """The site's stylesheet; ``root`` is the path from the page up to the site's folder."""
    return _ENV.get_template("site.css.j2").render(
        root=root, font_face=FONT_FACE, font_file=FONT_FILE
    )


def _render(template: str, **context: object) -> str:
    return _ENV.get_template(template).render(**context)


@dataclass(frozen=True)
class Page:
    """One rendered notebook: where it came from and how the index shows it."""

    source: Path
    href: str
    title: str
    summary: str


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first ``# `` heading of the first markdown cell, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        break
    return fallback


def _plain(markdown: str) -> str:
    """Markdown reduced to one line of plain text (links, emphasis, code marks)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.split())


def notebook_summary(nb: nbformat.NotebookNode) -> str:
    """``metadata.online_economy.summary``, else the first paragraph of prose."""
    summary = nb.metadata.get("online_economy", {}).get("summary", "")
    if isinstance(summary, str) and summary.strip():
        return summary.strip()
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            block = block.strip()
            if block and not block.startswith(("#", "|", "```", "<", "!")):
                return _plain(block)
    return ""


def exporter() -> HTMLExporter:
    """An HTMLExporter whose pages fetch nothing from the network."""
    exp = HTMLExporter(
        extra_loaders=[FileSystemLoader(TEMPLATES / "nbconvert")],
        template_file="oe-notebook.html.j2",
    )
    exp.embed_images = True
    for trait in ("require_js_url", "mathjax_url", "jquery_url", "widget_renderer_url"):
        setattr(exp, trait, "")
    return exp


def render_notebook(
    nb: nbformat.NotebookNode,
    source: Path,
    title: str,
    exp: HTMLExporter | None = None,
    transcript: bool = False,
) -> str:
    """One notebook as a self-contained HTML page (``source`` resolves image paths).

    ``transcript``: the page's navigation links to the annotated transcript.
    """
    resources = {
        "metadata": {"name": title, "path": str(source.parent)},
        "site_css": site_css(),
        "transcript_page": TRANSCRIPT_PAGE if transcript else "",
    }
    body, _ = (exp or exporter()).from_notebook_node(nb, resources=resources)
    return body


def copy_figures(figures_dir: Path, out_dir: Path) -> list[Path]:
    """Copy the PNG and SVG figures into ``out_dir/figures`` with a page listing them."""
    target = out_dir / "figures"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    found = sorted(
        p for p in figures_dir.glob("*") if p.suffix.lower() in FIGURE_SUFFIXES and p.is_file()
    ) if figures_dir.is_dir() else []
    copied = [Path(shutil.copy2(p, target / p.name)) for p in found]
    figures = []
    for stem in sorted({p.stem for p in copied}):
        files = [p for p in copied if p.stem == stem]
        shown = next((p for p in files if p.suffix.lower() == ".png"), files[0])
        figures.append({
            "stem": stem,
            "shown": shown.name,
            "files": [(p.name, p.suffix[1:].upper()) for p in files],
        })
    page = _render("figures.html.j2", title="Figures", css=site_css("../"),
                   back="../index.html", figures=figures)
    index = target / "index.html"
    index.write_text(page, encoding="utf-8")
    return [*copied, index]


def render_glossary(table: pd.DataFrame) -> str:
    """The glossary page: every Chinese term the analysis uses, with where it first appears."""
    return _render(
        "glossary.html.j2", title="Glossary", css=site_css(), back="index.html",
        columns=list(table.columns),
        rows=[["" if pd.isna(v) else str(v) for v in row] for row in table.itertuples(False)],
    )


def load_findings_json(path: Path) -> list[str] | None:
    """The English findings of ``findings.json`` (notebook 06), or None if there is no file.

    The file is ``{"findings": [{"id": str, "en": str, "zh": str}, ...]}``.
    """
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}") from None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("id", "en", "zh"))
        for item in items
    ):
        raise InputError(
            f'{path.name}: expected {{"findings": [{{"id": ..., "en": ..., "zh": ...}}, ...]}}'
        )
    return [item["en"] for item in items]


def render_index(
    pages: list[Page],
    findings: list[str],
    has_figures: bool = True,
    has_glossary: bool = False,
    has_transcript: bool = False,
) -> str:
    """The site's front page: title, main findings, one line per notebook, other pages."""
    return _render(
        "index.html.j2", title=TITLE, css=site_css(), back=None, findings=findings,
        pages=pages, has_figures=has_figures, has_glossary=has_glossary,
        transcript_page=TRANSCRIPT_PAGE if has_transcript else "",
    )


def copy_font(out_dir: Path) -> Path:
    """Copy the project's bundled CJK font beside the pages (the CSS loads it from there)."""
    from .plotting import FONT_PATH

    target = out_dir / "fonts" / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FONT_PATH, target)
    return target


def render_page(
    source: Path, nb: nbformat.NotebookNode, exp: HTMLExporter | None = None,
    transcript: bool = True,
) -> tuple[Page, str]:
    """The index entry and the HTML page of one notebook (linking to the transcript page)."""
    title = notebook_title(nb, source.stem)
    page = Page(source, f"{source.stem}.html", title, notebook_summary(nb))
    return page, render_notebook(nb, source, title, exp, transcript)


# --- the annotated transcript ------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A marked stretch of the raw text: ``layer`` orders spans with equal offsets (outer first).

    ``ident`` becomes the element's ``id``; ``attrs`` its other attributes.
    """

    start: int
    end: int
    layer: int
    tag: str
    ident: str
    attrs: dict[str, str] = field(default_factory=dict, compare=False)


def _open(span: Span, first: bool) -> str:
    """The opening tag of ``span``: the first piece carries id and offsets, later pieces
    (where spans cross) only ``data-of`` pointing back to the first."""
    if first:
        attrs = {"id": span.ident, "data-start": str(span.start), "data-end": str(span.end),
                 **span.attrs}
    else:
        keep = {k: v for k, v in span.attrs.items() if k == "class" or k.startswith("data-kind")}
        attrs = {**keep, "data-of": span.ident}
    inner = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    return f"<{span.tag}{inner}>"


def nest_spans(text: str, start: int, end: int, spans: list[Span]) -> str:
    """``text[start:end]`` as HTML with every span marked, well nested.

    A span inside another (a quantity inside a domain mention) nests inside it; spans that
    cross are split, the later pieces marked ``data-of``. Offsets stay raw-text offsets.
    """
    for s in spans:
        if not start <= s.start < s.end <= end:
            raise InputError(f"span {s.start}..{s.end} is not inside {start}..{end}")
    order = sorted(spans, key=lambda s: (s.start, -s.end, s.layer))
    cuts = sorted({start, end, *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[Span] = []
    pending = iter(order)
    nxt = next(pending, None)
    for pos, stop in pairwise(cuts):
        if any(s.end == pos for s in stack):
            depth = min(i for i, s in enumerate(stack) if s.end == pos)
            popped = stack[depth:]
            del stack[depth:]
            out += [f"</{s.tag}>" for s in reversed(popped)]
            for s in popped:
                if s.end > pos:  # crossed: continue it in a new piece
                    out.append(_open(s, first=False))
                    stack.append(s)
        while nxt is not None and nxt.start == pos:
            out.append(_open(nxt, first=True))
            stack.append(nxt)
            nxt = next(pending, None)
        out.append(html.escape(text[pos:stop], quote=False))
    out += [f"</{s.tag}>" for s in reversed(stack)]
    return "".join(out)



def load_translation(path: Path | None = None) -> pd.DataFrame:
    """``data/reference/translation_en.csv``: the project's English, one row per paragraph."""
    path = TRANSLATION if path is None else Path(path)
    frame = read_csv(path, TRANSLATION_COLUMNS)
    for col in ("turn", "paragraph", "start", "end"):
        bad = ~frame[col].str.fullmatch(r"\d+")
        if bad.any():
            raise InputError(f"{path.name} line {int(bad.idxmax()) + 2}: {col} is not a number")
        frame[col] = frame[col].astype(int)
    empty = frame["en"].str.strip() == ""
    if empty.any():
        raise InputError(f"{path.name} line {int(empty.idxmax()) + 2}: no English text")
    return frame


def _read_processed(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    try:
        return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def _number(value: object) -> str:
    """A table value as a plain number: 1884.28亿 -> 188,428,000,000; 6.8 stays 6.8."""
    if value in ("", None) or (isinstance(value, float) and pd.isna(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.10g}"


BASIS_EN = {"name": "name as said", "editorial": "editorial term", "entity": "linked entity"}


def transcript_context(processed: Path) -> dict[str, object]:
    """Everything ``transcript.html.j2`` shows, from the raw text and the processed tables."""
    from online_economy.plotting import UNPLACED, category_colours
    from online_economy.tables import raw_parsed
    from online_economy.taxonomy import load_categories, load_domains

    parsed = raw_parsed()
    text = parsed.text
    quantities = _read_processed(processed, "quantities.csv")
    mentions = _read_processed(processed, "domain_mentions.csv")
    translation = load_translation()
    categories = load_categories()
    domains = load_domains()
    colours = category_colours()
    cat_name = {str(c.id): f"{c.name_zh} ({c.gloss_en.split(':')[0]})"
                for c in categories.itertuples()}
    dom_name = {str(d.id): f"{d.name_zh} ({d.name_en})" for d in domains.itertuples()}

    def cat_class(category: str, domain: str) -> str:
        if category:
            return f"cat-{category}"
        return f"cat-{UNPLACED}" if domain else "cat-none"

    spans: list[Span] = []
    lists = []
    for cat in categories.itertuples():
        placed = domains[domains["category"] == cat.id]
        lo, hi = int(placed["assign_start"].min()), int(placed["assign_end"].max())
        at = text.rfind("包括", int(cat.paragraph_start), lo)
        start = at if at >= 0 else lo
        end = hi + 1 if text[hi:hi + 1] == "等" else hi
        lists.append({"id": f"list-{cat.id}", "category": str(cat.id), "start": start,
                      "end": end, "zh": text[start:end]})
        spans.append(Span(start, end, 0, "span", f"list-{cat.id}", {
            "class": f"cat-list cat-{cat.id}", "data-kind": "category-list",
            "data-category": str(cat.id),
        }))
    basis_known = "basis" in mentions.columns
    for m in mentions.itertuples():
        domain, category = str(m.domain), str(m.category)
        basis = str(m.basis) if basis_known else ""
        tip = [f"domain: {dom_name.get(domain, domain)}",
               f"category: {cat_name.get(category, 'unplaced by the transcript')}",
               f"basis: {BASIS_EN.get(basis, basis) if basis else 'basis unknown'}"]
        spans.append(Span(int(m.start), int(m.end), 1, "mark", f"m-{m.start}-{m.end}", {
            "class": f"mention {cat_class(category, domain)} basis-{basis or 'unknown'}",
            "data-kind": "mention", "data-domain": domain, "data-category": category,
            "data-basis": basis or "unknown", "tabindex": "0", "data-tip": "\n".join(tip),
            "aria-describedby": f"tip-m-{m.start}-{m.end}",
        }))
    for q in quantities.itertuples():
        domain, category = str(q.domain), str(q.category)
        value = _number(q.value)
        if _number(q.value_high):
            value += f"–{_number(q.value_high)}"
        tip = [f"{q.surface}: value {value}",
               f"unit: {q.unit or '—'} ({q.kind})",
               f"qualifier: {q.qualifier or 'none'}",
               f"domain: {dom_name.get(domain, 'none')}"
               + (f" (attributed by the {q.domain_basis} rule)" if q.domain_basis else ""),
               f"category: {cat_name.get(category, 'unplaced' if domain else 'none')}"]
        spans.append(Span(int(q.start), int(q.end), 2, "mark", f"q-{q.start}-{q.end}", {
            "class": f"qty {cat_class(category, domain)}", "data-kind": "quantity",
            "data-quantity": str(q.quantity), "data-value": value, "data-unit": str(q.unit),
            "data-qualifier": str(q.qualifier), "data-domain": domain,
            "data-category": category, "tabindex": "0", "data-tip": "\n".join(tip),
            "aria-describedby": f"tip-q-{q.start}-{q.end}",
        }))

    english = {(int(r.turn), int(r.paragraph)): r for r in translation.itertuples()}
    blocks = [(p.start, p.end) for p in parsed.paragraphs]
    if parsed.title is not None:
        blocks.append((parsed.title.start, parsed.title.end))
    blocks += [(a.start, a.end) for a in parsed.artefacts]
    by_block = _spans_by_block(spans, blocks)
    paragraph_of_category = {
        (int(c.paragraph_start), int(c.paragraph_end)): c for c in categories.itertuples()
    }
    turns = []
    for turn in parsed.turns:
        paragraphs = []
        for p in (p for p in parsed.paragraphs if p.turn == turn.index):
            row = english.get((p.turn, p.index))
            cat = paragraph_of_category.get((p.start, p.end))
            paragraphs.append({
                "id": f"p-{p.start}-{p.end}", "start": p.start, "end": p.end,
                "zh": nest_spans(text, p.start, p.end, by_block[(p.start, p.end)]),
                "en": "" if row is None else row.en, "note": "" if row is None else row.note,
                "tips": _tips(by_block[(p.start, p.end)]),
                "category": None if cat is None else {
                    "id": str(cat.id), "order": int(cat.order), "name_zh": str(cat.name_zh),
                    "gloss_en": str(cat.gloss_en)},
            })
        headline = next((a for a in parsed.artefacts if a.end == turn.label_start), None)
        turns.append({
            "index": turn.index, "role": turn.role, "exchange": turn.exchange,
            "party": turn.party, "outlet": turn.outlet, "id": f"turn-{turn.index}",
            "label_start": turn.label_start, "label_end": turn.label_end,
            "paragraphs": paragraphs,
            "headline": None if headline is None else {
                "start": headline.start, "end": headline.end,
                "zh": nest_spans(text, headline.start, headline.end,
                                 by_block[(headline.start, headline.end)]),
                "tips": _tips(by_block[(headline.start, headline.end)])},
        })
    title = parsed.title
    cats = []
    for c in categories.itertuples():
        placed = domains[domains["category"] == c.id]
        cats.append({
            "id": str(c.id), "order": int(c.order), "name_zh": str(c.name_zh),
            "gloss_en": str(c.gloss_en), "definition_zh": str(c.definition_zh),
            "definition_en": str(c.definition_en), "colour": colours[str(c.id)],
            "paragraph": f"p-{c.paragraph_start}-{c.paragraph_end}",
            "list": next(x for x in lists if x["category"] == c.id),
            "domains": [f"{d.name_zh} ({d.name_en})" for d in placed.itertuples()],
        })
    unplaced = [f"{d.name_zh} ({d.name_en})" for d in domains.itertuples()
                if pd.isna(d.category)]
    return {
        "title_zh": None if title is None else nest_spans(
            text, title.start, title.end, by_block[(title.start, title.end)]),
        "title_tips": [] if title is None else _tips(by_block[(title.start, title.end)]),
        "date": parsed.date_iso or "",
        "turns": turns, "categories": cats, "unplaced": unplaced,
        "colours": {**colours, "none": "#8C959F"},
        "n_quantities": len(quantities), "n_mentions": len(mentions),
        "basis_known": basis_known, "n_translated": len(translation),
        "n_paragraphs": len(parsed.paragraphs),
    }


def _spans_by_block(
    spans: list[Span], blocks: list[tuple[int, int]]
) -> dict[tuple[int, int], list[Span]]:
    """Each span under the one shown block that holds it; InputError if none does."""
    out: dict[tuple[int, int], list[Span]] = {block: [] for block in blocks}
    for span in spans:
        home = next((b for b in blocks if b[0] <= span.start and span.end <= b[1]), None)
        if home is None:
            raise InputError(
                f"span {span.start}..{span.end} ({span.ident}) lies in no paragraph of the "
                "transcript page"
            )
        out[home].append(span)
    return out


def _tips(spans: list[Span]) -> list[tuple[str, str]]:
    """(id, tooltip text) of the spans that have a tooltip, for ``aria-describedby``."""
    return [(s.ident, s.attrs["data-tip"]) for s in spans if "data-tip" in s.attrs]


def render_transcript(processed: Path) -> str:
    """``transcript.html``: the turns, Chinese beside English, quantities and mentions marked."""
    return _render("transcript.html.j2", title="The annotated transcript", css=site_css(),
                   back="index.html", **transcript_context(processed))


# --- the whole site ----------------------------------------------------------


def write_site(
    rendered: list[tuple[Page, str]],
    out_dir: Path,
    findings: list[str],
    figures_dir: Path | None = None,
    glossary: pd.DataFrame | None = None,
    processed: Path | None = None,
) -> list[Path]:
    """Write rendered pages, the font, the figures, the glossary, the transcript and the index.

    With ``processed`` (the folder of the processed tables) the annotated transcript page is
    written, and the index shows the findings of ``processed/findings.json`` when that file
    exists (``findings`` otherwise).
    """
    transcript = render_transcript(processed) if processed is not None else None
    if processed is not None:
        findings = load_findings_json(processed / FINDINGS_JSON) or findings
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for page, body in rendered:
        (out_dir / page.href).write_text(body, encoding="utf-8")
        written.append(out_dir / page.href)
    current = {p.name for p in written}
    for stale in out_dir.glob("[0-9][0-9]-*.html"):  # pages of notebooks that are gone
        if stale.name not in current:
            stale.unlink()
    written.append(copy_font(out_dir))
    if figures_dir is not None:
        written += copy_figures(figures_dir, out_dir)
    if glossary is not None:
        (out_dir / "glossary.html").write_text(render_glossary(glossary), encoding="utf-8")
        written.append(out_dir / "glossary.html")
    if transcript is not None:
        (out_dir / TRANSCRIPT_PAGE).write_text(transcript, encoding="utf-8")
        written.append(out_dir / TRANSCRIPT_PAGE)
    index = out_dir / "index.html"
    pages = [page for page, _ in rendered]
    front = render_index(pages, findings, figures_dir is not None, glossary is not None,
                         transcript is not None)
    index.write_text(front, encoding="utf-8")
    return [*written, index]


def build_site(
    notebooks: list[tuple[Path, nbformat.NotebookNode]],
    out_dir: Path,
    findings: list[str],
    figures_dir: Path | None = None,
    processed: Path | None = None,
) -> list[Path]:
    """Render every notebook and write the site (:func:`write_site`); return the paths."""
    exp = exporter()
    has_transcript = processed is not None
    rendered = [render_page(source, nb, exp, has_transcript) for source, nb in notebooks]
    return write_site(rendered, out_dir, findings, figures_dir, processed=processed)
