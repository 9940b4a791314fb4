"""The project's chart style: the bundled CJK font, category colours, deterministic saving.
matplotlib is imported only where it is used: the site and the lab launcher need just FONT_PATH."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from online_economy import paths
from online_economy.errors import InputError

if TYPE_CHECKING:
    from IPython.display import Image
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

# Keep matplotlib's font cache inside the repo if matplotlib is not imported yet.
os.environ.setdefault("MPLCONFIGDIR", str(paths.CACHE / "matplotlib"))

FONT_PATH = Path(__file__).with_name("fonts") / "OENotoSansSC-Regular.otf"
FONT_FAMILY = "OE Noto Sans SC"
UNPLACED = "unplaced"
SOURCE_TEXT = "Source: Shanghai municipal government press conference, 13 April 2020 (transcript)."
#: For charts that show all twelve domains: the full list is seen only in reposts.
SOURCE_WITH_PLAN = (SOURCE_TEXT.removesuffix(".") + "; list of the twelve domains: reposts of the "
                    "action plan, unconfirmed (docs/sources.md).")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def style() -> str:
    """Register the bundled CJK font with matplotlib; return the project's style file. Nothing
    global changes until it is applied: ``plt.style.use(...)`` or ``plt.style.context(...)``."""
    from matplotlib import font_manager

    if not FONT_PATH.is_file():
        raise InputError(f"bundled font missing: {FONT_PATH} (run tools/make_font_subset.py)")
    if FONT_PATH not in {Path(f.fname) for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_PATH))
    return str(Path(__file__).with_name("styles") / "online-economy.mplstyle")


def _by_category(column: str) -> dict[str, str]:
    """Category id -> its ``column`` in categories.csv ("" where empty)."""
    from online_economy.taxonomy import load_categories

    cats = load_categories().fillna("")
    return dict(zip(cats["id"].astype(str), cats[column], strict=True))


def category_colours() -> dict[str, str]:
    """Category id -> hex colour from categories.csv, plus ``unplaced`` grey."""
    return {**_by_category("colour"), UNPLACED: "#D9D9D9"}


def category_hatches() -> dict[str, str]:
    """Category id -> matplotlib hatch pattern, plus ``unplaced`` (no hatch)."""
    return {**_by_category("hatch"), UNPLACED: ""}


def show_figure(fig: Figure, name: str, folder: Path | None = None) -> Image:
    """Write ``<name>.png`` and ``<name>.svg`` (to reports/figures) byte-for-byte reproducibly,
    both cropped to one tight box; close ``fig`` and return the PNG written, for a cell to show."""
    from IPython.display import Image
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_agg import RendererAgg

    if not _NAME.match(name):
        raise InputError(f"figure name {name!r} must be letters, digits, '_', '-' or '.'")
    png = (folder if folder is not None else paths.FIGURES) / f"{name}.png"
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.set_dpi(plt.rcParams["savefig.dpi"])  # laid out once, at the PNG's resolution
    renderer = RendererAgg(*fig.bbox.size, fig.dpi)
    for note in fig.artists:  # source notes: placed below the axes once, the same in both files
        if note.get_gid() == "source-note":
            note.xy = fig.transFigure.inverted().transform(note.xycoords(renderer).p0)
            note.xycoords = fig.transFigure
    box = fig.get_tightbbox(renderer).padded(plt.rcParams["savefig.pad_inches"])
    with plt.rc_context({"svg.hashsalt": "online-economy", "svg.fonttype": "path"}):
        fig.savefig(png, format="png", bbox_inches=box, metadata={"Software": None})
        fig.savefig(png.with_suffix(".svg"), format="svg", bbox_inches=box,
                    metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return Image(data=png.read_bytes(), format="png",
                 width=round(fig.get_figwidth() * float(plt.rcParams["figure.dpi"])))


def source_note(fig: Figure, text: str = SOURCE_TEXT) -> Text:
    """A small source line under all the axes of ``fig``, flush left; placed at draw time, so
    no tick or axis label overlaps it (show_figure crops files to a box that keeps it)."""
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    def below_axes(renderer: RendererBase) -> Bbox:
        boxes = [ax.get_tightbbox(renderer, bbox_extra_artists=[]) for ax in fig.axes]
        return Bbox.union([box for box in boxes if box is not None] or [fig.bbox])

    note = Annotation(text, xy=(0, 0), xycoords=below_axes, xytext=(0, -6), ha="left", va="top",
                      textcoords="offset points", fontsize=7, color="#555555", gid="source-note")
    fig.add_artist(note)
    return note
