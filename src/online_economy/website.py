"""The offline HTML site from the Jinja2 templates in ``online_economy/templates``: notebook
pages (nbconvert's ``lab`` template without its CDN scripts), the transcript, the index."""

import html
import shutil
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import nbformat
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from nbconvert import HTMLExporter, TemplateExporter

from online_economy import paths
from online_economy.reference import read_csv, reject

TITLE = "Shanghai's online new economy (在线新经济): the press conference of 13 April 2020"
TEMPLATES = Path(__file__).with_name("templates")
TRANSLATION_COLUMNS = ["turn", "paragraph", "start", "end", "en", "note"]
TRANSCRIPT_PAGE = "transcript.html"
BASIS_EN = {"name": "name as said", "editorial": "editorial term", "entity": "linked entity"}
FONT_FILE = "OENotoSansSC-Regular.otf"  # copied beside the pages: no system CJK font needed
FONT_FACE = "OE Noto Sans SC"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                   undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                   lstrip_blocks=True)
_ENV.globals.update(font_face=FONT_FACE, font_file=FONT_FILE, root="")  # for site.css.j2


def _render(template: str, title: str, back: str | None = "index.html", **context: object) -> str:
    return _ENV.get_template(template).render(title=title, back=back, **context)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class Page(NamedTuple):
    """How the index shows one rendered notebook."""

    href: str
    title: str
    summary: str


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first ``# `` heading of the first markdown cell, else ``fallback``."""
    text = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
    return next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), fallback)


def notebook_summary(nb: nbformat.NotebookNode) -> str:
    """``metadata.online_economy.summary``, the index's line on a notebook ("" if it has none)."""
    summary = nb.metadata.get("online_economy", {}).get("summary", "")
    return summary.strip() if isinstance(summary, str) else ""


def exporter() -> HTMLExporter:
    """An HTMLExporter whose pages fetch nothing from the network (oe-notebook.html.j2)."""
    return HTMLExporter(extra_loaders=[FileSystemLoader(TEMPLATES / "nbconvert")],
                        template_file="oe-notebook.html.j2", embed_images=True,
                        filters={"highlight_code": "nbconvert.filters.Highlight2HTML"},
                        optimistic_validation=True)  # the notebook checked once, not per step


def render_page(source: Path, nb: nbformat.NotebookNode, exp: HTMLExporter | None = None,
                transcript: bool = True) -> tuple[Page, str]:
    """The index entry and the HTML page of a notebook (images found beside ``source``)."""
    page = Page(f"{source.stem}.html", notebook_title(nb, source.stem), notebook_summary(nb))
    resources = {"metadata": {"name": page.title, "path": str(source.parent)},
                 "site_css": _render("site.css.j2", ""),
                 "transcript_page": TRANSCRIPT_PAGE if transcript else ""}
    # TemplateExporter's conversion: HTMLExporter's adds a BeautifulSoup pass (oe-notebook.html.j2)
    return page, TemplateExporter.from_notebook_node(exp or exporter(), nb, resources=resources)[0]


class Span(NamedTuple):
    """A marked stretch of the raw text: element ``tag`` with id ``ident`` and ``attrs``."""

    start: int
    end: int
    layer: int  # orders spans with equal offsets, outer first
    tag: str
    ident: str
    attrs: dict[str, object]


def nest_spans(text: str, start: int, end: int, spans: list[Span]) -> str:
    """``text[start:end]`` as HTML, the spans inside it well nested (crossing ones split)."""
    spans = [s for s in spans if start <= s.start and s.end <= end]
    open_tag = _ENV.get_template("marks.html.j2").module.open
    order = sorted(spans, key=lambda s: (s.start, -s.end, s.layer))  # outer first
    cuts = sorted({start, end, *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    stack: list[Span] = []  # the open elements, outermost first
    for pos, stop in pairwise(cuts):  # keep what stays open, close the rest, open what's new
        active = [s for s in order if s.start <= pos < s.end]
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        out += [f"</{s.tag}>" for s in reversed(stack[keep:])]
        out += [open_tag(s, s.start == pos) for s in active[keep:]]
        out.append(html.escape(text[pos:stop], quote=False))
        stack = active
    return "".join(out + [f"</{s.tag}>" for s in reversed(stack)])


def load_translation(path: Path | None = None) -> pd.DataFrame:
    """``data/reference/translation_en.csv``: the project's English, one row per paragraph."""
    frame = read_csv(paths.REFERENCE / "translation_en.csv" if path is None else path,
                     TRANSLATION_COLUMNS)
    numbers = ["turn", "paragraph", "start", "end"]
    for col in numbers:
        reject(frame, ~frame[col].str.fullmatch(r"\d+"), f"{col} is not a number")
    reject(frame, frame["en"].str.strip().eq(""), "no English text")
    return frame.astype(dict.fromkeys(numbers, int))


def _number(value: object) -> str:
    """A table value as a plain number: 1884.28亿 -> 188,428,000,000; 6.8 stays 6.8."""
    if value in ("", None) or (isinstance(value, float) and pd.isna(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.10g}"


def render_transcript(processed: Path) -> str:
    """The turns, Chinese beside English, the processed tables' marks at their offsets."""
    from online_economy.plotting import UNPLACED, category_colours
    from online_economy.tables import raw_parsed
    from online_economy.taxonomy import load_categories, load_domains

    quantities, mentions = (pd.read_csv(processed / name, encoding="utf-8-sig",
                                        keep_default_na=False)
                            for name in ("quantities.csv", "domain_mentions.csv"))
    parsed, categories, domains = raw_parsed(), load_categories(), load_domains()
    text, translation = parsed.text, load_translation()
    cat_name = {c.id: f"{c.name_zh} ({c.gloss_en.split(':')[0]})" for c in categories.itertuples()}
    dom_name = {d.id: f"{d.name_zh} ({d.name_en})" for d in domains.itertuples()}
    spans, cats = [], []
    for c in categories.itertuples():
        placed = domains[domains["category"] == c.id]
        lo, hi = int(placed["assign_start"].min()), int(placed["assign_end"].max())
        at = text.rfind("包括", int(c.paragraph_start), lo)  # the list: 包括 … 等
        start, end = at if at >= 0 else lo, hi + 1 if text[hi:hi + 1] == "等" else hi
        spans.append(Span(start, end, 0, "span", f"list-{c.id}", {
            "class": f"cat-list cat-{c.id}", "data-kind": "category-list", "data-category": c.id}))
        cats.append({**c._asdict(), "list": text[start:end],
                     "domains": [dom_name[d] for d in placed["id"]]})

    for m in mentions.itertuples():
        colour = m.category or (UNPLACED if m.domain else "none")  # the domain's category
        tip = [f"domain: {dom_name.get(m.domain, m.domain)}",
               f"category: {cat_name.get(m.category, 'unplaced by the transcript')}",
               f"basis: {BASIS_EN.get(m.basis, m.basis)}"]
        spans.append(Span(m.start, m.end, 1, "mark", f"m-{m.start}-{m.end}", {
            "class": f"mention cat-{colour} basis-{m.basis}",
            "data-kind": "mention", "data-domain": m.domain, "data-category": m.category,
            "data-basis": m.basis, "data-tip": "\n".join(tip)}))
    for q in quantities.itertuples():
        value = _number(q.value) + (f"–{_number(q.value_high)}" if _number(q.value_high) else "")
        rule = f" (attributed by the {q.domain_basis} rule)" if q.domain_basis else ""
        colour = q.category or (UNPLACED if q.domain else "none")
        tip = [f"{q.surface}: value {value}", f"unit: {q.unit or '—'} ({q.kind})",
               f"qualifier: {q.qualifier or 'none'}",
               f"domain: {dom_name.get(q.domain, 'none')}{rule}",
               f"category: {cat_name.get(q.category, 'unplaced' if q.domain else 'none')}"]
        spans.append(Span(q.start, q.end, 2, "mark", f"q-{q.start}-{q.end}", {
            "class": f"qty cat-{colour}", "data-kind": "quantity",
            "data-quantity": q.quantity, "data-value": value, "data-unit": q.unit,
            "data-qualifier": q.qualifier, "data-domain": q.domain, "data-category": q.category,
            "data-tip": "\n".join(tip)}))
    return _render(
        "transcript.html.j2", "The annotated transcript", parsed=parsed, spans=spans,
        block=partial(nest_spans, text, spans=spans),  # the marked Chinese of a paragraph, ...
        english={(r.turn, r.paragraph): (r.en, r.note) for r in translation.itertuples()},
        unplaced=[dom_name[d.id] for d in domains.itertuples() if pd.isna(d.category)],
        colours={**category_colours(), "none": "#8C959F"},
        categories=cats, n_quantities=len(quantities), n_mentions=len(mentions))


def write_site(rendered: list[tuple[Page, str]], out_dir: Path, findings: list[str],
               figures_dir: Path | None = None, glossary: pd.DataFrame | None = None,
               transcript: str | None = None) -> list[Path]:
    """Write the notebook pages, font, figures, glossary, transcript page and index."""
    from online_economy.plotting import FONT_PATH

    index = _render("index.html.j2", TITLE, None, findings=findings,
                    pages=[page for page, _ in rendered], has_figures=figures_dir is not None,
                    has_glossary=glossary is not None,
                    transcript_page="" if transcript is None else TRANSCRIPT_PAGE)
    later = {"glossary.html": None, TRANSCRIPT_PAGE: transcript, "index.html": index}
    if glossary is not None:
        later["glossary.html"] = _render("glossary.html.j2", "Glossary", table=glossary.fillna(""))
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(paths.NOTEBOOK_GLOB.replace(".ipynb", ".html")):  # notebooks gone
        if stale.name not in {page.href for page, _ in rendered}:
            stale.unlink()
    written = [_write(out_dir / page.href, body) for page, body in rendered]
    (out_dir / "fonts").mkdir(exist_ok=True)  # the CSS loads the bundled font from there
    written.append(Path(shutil.copyfile(FONT_PATH, out_dir / "fonts" / FONT_FILE)))
    if figures_dir is not None:
        shutil.rmtree(out_dir / "figures", ignore_errors=True)
        (out_dir / "figures").mkdir()
        copied = [Path(shutil.copy2(p, out_dir / "figures")) for p in sorted(figures_dir.glob("*"))
                  if p.suffix.lower() in (".png", ".svg") and p.is_file()]
        page = _render("figures.html.j2", "Figures", "../index.html", root="../", figures=copied)
        written += [*copied, _write(out_dir / "figures" / "index.html", page)]
    return written + [_write(out_dir / name, body) for name, body in later.items() if body]
