"""Render executed notebooks to an offline HTML site with an index page.

nbconvert's ``lab`` template loads require.js, MathJax, Mermaid and the widget
manager from CDNs; the template below empties those blocks, images are embedded
as data URIs, and the CSS is inlined, so every page works from disk.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
from jinja2 import DictLoader
from nbconvert import HTMLExporter

TITLE = "Shanghai's online new economy (在线新经济): the press conference of 13 April 2020"
FIGURE_SUFFIXES = (".png", ".svg")

# Chinese text in the project's own bundled font (copied beside the pages, so no
# system CJK font is needed), then the system's; charts are images.
FONT_FILE = "OENotoSansSC-Regular.otf"
FONT_FACE = "OE Noto Sans SC"
_FONTS = (
    f'"{FONT_FACE}", system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", '
    '"Source Han Sans SC", '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", '
    '"WenQuanYi Zen Hei", sans-serif'
)

SITE_CSS = f"""
@font-face {{ font-family: "{FONT_FACE}"; src: url("fonts/{FONT_FILE}") format("opentype"); }}
body {{ font-family: {_FONTS}; line-height: 1.6; color: #1f2328; background: #fff; }}
main, .site {{ max-width: 58rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }}
.site h1 {{ font-size: 1.7rem; line-height: 1.3; }}
.site li {{ margin: 0.6rem 0; }}
.site .summary {{ display: block; color: #57606a; }}
nav.site-nav {{ max-width: 58rem; margin: 0 auto; padding: 0.6rem 1.5rem 0; font-size: 0.9rem; }}
figure {{ margin: 1.5rem 0; }}
figure img {{ max-width: 100%; height: auto; border: 1px solid #d0d7de; }}
.jp-RenderedHTMLCommon {{ --jp-content-font-family: {_FONTS}; }}
.jp-RenderedHTMLCommon table, .site table {{
  border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }}
.jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td, .site th, .site td {{
  border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; }}
.jp-RenderedHTMLCommon thead, .site thead {{ background: #f6f8fa; }}
.jp-RenderedHTMLCommon tbody tr:nth-child(even) {{ background: #f6f8fa; }}
.jp-OutputArea-output {{ overflow-x: auto; }}
img {{ max-width: 100%; height: auto; }}
"""

_OFFLINE_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{% block extra_css %}<style>{{ resources.site_css }}</style>{% endblock extra_css %}\n"
    "{%- block body_header -%}{{ super() }}\n"
    '<nav class="site-nav"><a href="index.html">← All notebooks</a></nav>\n'
    "{%- endblock body_header -%}\n"
)


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
        extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="offline.html.j2",
    )
    exp.embed_images = True
    for trait in ("require_js_url", "mathjax_url", "jquery_url", "widget_renderer_url"):
        setattr(exp, trait, "")
    return exp


def render_notebook(
    nb: nbformat.NotebookNode, source: Path, title: str, exp: HTMLExporter | None = None
) -> str:
    """One notebook as a self-contained HTML page (``source`` resolves image paths)."""
    resources = {
        "metadata": {"name": title, "path": str(source.parent)},
        "site_css": SITE_CSS,
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
    items = []
    for stem in sorted({p.stem for p in copied}):
        files = [p for p in copied if p.stem == stem]
        shown = next((p for p in files if p.suffix.lower() == ".png"), files[0])
        links = " · ".join(
            f'<a href="{html.escape(p.name)}">{p.suffix[1:].upper()}</a>' for p in files
        )
        items.append(
            f'<figure><img src="{html.escape(shown.name)}" alt="{html.escape(stem)}">'
            f"<figcaption>{html.escape(stem)} ({links})</figcaption></figure>"
        )
    body = "\n".join(items) or "<p>No figures have been written yet.</p>"
    page = _page("Figures", f"<h1>Figures</h1>\n{body}", back="../index.html", root="../")
    index = target / "index.html"
    index.write_text(page, encoding="utf-8")
    return [*copied, index]


def _page(title: str, body: str, back: str | None = None, root: str = "") -> str:
    """A small standalone HTML page in the site's style (``root``: the path up to the site)."""
    nav = f'<nav class="site-nav"><a href="{back}">← Index</a></nav>\n' if back else ""
    css = SITE_CSS.replace('url("fonts/', f'url("{root}fonts/')
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f'<body>\n{nav}<main class="site">\n{body}\n</main>\n</body>\n</html>\n'
    )


def render_glossary(table: pd.DataFrame) -> str:
    """The glossary page: every Chinese term the analysis uses, with where it first appears."""
    intro = (
        "<p>The Chinese terms the analysis uses, with pinyin, an English gloss and where each "
        "first appears in the transcript (character offsets into the raw text). From "
        "<code>data/reference/glossary.csv</code>.</p>"
    )
    rows = table.to_html(index=False, border=0, classes="glossary", escape=True)
    return _page("Glossary", f"<h1>Glossary</h1>\n{intro}\n{rows}", back="index.html")


def render_index(
    pages: list[Page], findings: list[str], has_figures: bool = True, has_glossary: bool = False
) -> str:
    """The site's front page: title, main findings, one line per notebook."""
    parts = [f"<h1>{html.escape(TITLE)}</h1>"]
    if findings:
        parts.append("<h2>Main findings</h2>\n<ul class=\"findings\">")
        parts += [f"<li>{html.escape(line)}</li>" for line in findings]
        parts.append("</ul>")
    parts.append('<h2>Notebooks</h2>\n<ol class="notebooks">')
    for page in pages:
        parts.append(
            f'<li><a href="{html.escape(page.href)}">{html.escape(page.title)}</a>'
            f'<span class="summary">{html.escape(page.summary)}</span></li>'
        )
    parts.append("</ol>")
    if has_glossary:
        parts.append(
            '<p>Chinese terms, pinyin and glosses: <a href="glossary.html">Glossary</a></p>'
        )
    if has_figures:
        parts.append(
            '<p>All figures, as PNG and SVG files: <a href="figures/index.html">Figures</a></p>'
        )
    return _page(TITLE, "\n".join(parts))


def copy_font(out_dir: Path) -> Path:
    """Copy the project's bundled CJK font beside the pages (the CSS loads it from there)."""
    from .plotting import FONT_PATH

    target = out_dir / "fonts" / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FONT_PATH, target)
    return target


def render_page(
    source: Path, nb: nbformat.NotebookNode, exp: HTMLExporter | None = None
) -> tuple[Page, str]:
    """The index entry and the HTML page of one notebook."""
    title = notebook_title(nb, source.stem)
    page = Page(source, f"{source.stem}.html", title, notebook_summary(nb))
    return page, render_notebook(nb, source, title, exp)


def write_site(
    rendered: list[tuple[Page, str]],
    out_dir: Path,
    findings: list[str],
    figures_dir: Path | None = None,
    glossary: pd.DataFrame | None = None,
) -> list[Path]:
    """Write rendered pages, the font, the figures, the glossary and ``index.html``."""
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
    index = out_dir / "index.html"
    pages = [page for page, _ in rendered]
    front = render_index(pages, findings, figures_dir is not None, glossary is not None)
    index.write_text(front, encoding="utf-8")
    return [*written, index]


def build_site(
    notebooks: list[tuple[Path, nbformat.NotebookNode]],
    out_dir: Path,
    findings: list[str],
    figures_dir: Path | None = None,
) -> list[Path]:
    """Render every notebook and write the site (:func:`write_site`); return the paths."""
    exp = exporter()
    rendered = [render_page(source, nb, exp) for source, nb in notebooks]
    return write_site(rendered, out_dir, findings, figures_dir)
