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
    from matplotlib.transforms import Bbox

# Keep matplotlib's font cache inside the repo if matplotlib is not imported yet.
os.environ.setdefault("MPLCONFIGDIR", str(paths.CACHE / "matplotlib"))

FONT_PATH = Path(__file__).with_name("fonts") / "OENotoSansSC-Regular.otf"
FONT_FAMILY = "OE Noto Sans SC"
UNPLACED = "unplaced"
UNPLACED_COLOUR = "#D9D9D9"
SOURCE_TEXT = "Source: Shanghai municipal government press conference, 13 April 2020 (transcript)."
#: For charts that show all twelve domains: the full list is seen only in reposts.
SOURCE_WITH_PLAN = (
    "Source: Shanghai municipal government press conference, 13 April 2020 (transcript); "
    "list of the twelve domains: reposts of the action plan, unconfirmed (docs/sources.md)."
)
SVG_HASHSALT = "online-economy"
PNG_METADATA: dict[str, str | None] = {"Software": None}
SVG_METADATA: dict[str, str | None] = {"Date": None, "Creator": None}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

STYLE_PATH = Path(__file__).with_name("styles") / "online-economy.mplstyle"


def register_font() -> str:
    """Add the bundled font to matplotlib's font manager; return its family name."""
    from matplotlib import font_manager

    if not FONT_PATH.is_file():
        raise InputError(f"bundled font missing: {FONT_PATH} (run tools/make_font_subset.py)")
    if FONT_PATH not in {Path(f.fname) for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT_PATH))
    return FONT_FAMILY


def style() -> str:
    """Register the bundled CJK font; return the project's style file for ``plt.style``.

    Nothing global changes until the caller applies it: ``plt.style.use(plotting.style())``
    for a whole notebook, or ``with plt.style.context(plotting.style()):`` for one figure.
    """
    register_font()
    return str(STYLE_PATH)


def category_colours() -> dict[str, str]:
    """Category id -> hex colour from categories.csv, plus ``unplaced`` grey."""
    from online_economy.taxonomy import load_categories

    cats = load_categories()
    colours = {str(i): str(c) for i, c in zip(cats["id"], cats["colour"], strict=True)}
    colours[UNPLACED] = UNPLACED_COLOUR
    return colours


def category_hatches() -> dict[str, str]:
    """Category id -> matplotlib hatch pattern, plus ``unplaced`` (no hatch)."""
    from online_economy.taxonomy import load_categories

    cats = load_categories()
    hatches = {str(i): "" if h is None or h != h else str(h)
               for i, h in zip(cats["id"], cats["hatch"], strict=True)}
    return {**hatches, UNPLACED: ""}


def save_figure(fig: Figure, name: str, folder: Path | None = None) -> tuple[Path, Path]:
    """Write ``<name>.png`` and ``<name>.svg`` (to reports/figures) byte-for-byte reproducibly."""
    import matplotlib as mpl

    if not _NAME.match(name):
        raise InputError(f"figure name {name!r} must be letters, digits, '_', '-' or '.'")
    target = folder if folder is not None else paths.FIGURES
    target.mkdir(parents=True, exist_ok=True)
    png, svg = target / f"{name}.png", target / f"{name}.svg"
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        fig.savefig(png, format="png", metadata=PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=SVG_METADATA)
    return png, svg


def show_figure(fig: Figure, name: str, folder: Path | None = None) -> Image:
    """Save ``fig`` as PNG and SVG (:func:`save_figure`), close it, and return the PNG for display.

    A notebook cell ending in ``show_figure(fig, "01-name")`` shows exactly the file that was
    written, and the figure is drawn once per format instead of once more for the inline view.
    """
    from IPython.display import Image
    from matplotlib import pyplot as plt

    png, _ = save_figure(fig, name, folder)
    width = round(fig.get_figwidth() * float(plt.rcParams["figure.dpi"]))
    plt.close(fig)
    return Image(data=png.read_bytes(), format="png", width=width)


def source_note(fig: Figure, text: str = SOURCE_TEXT) -> Text:
    """Put a small source line under all the axes of ``fig``, flush with their left edge.

    The position is worked out at draw time, so tick labels and axis labels never overlap
    it; the style's tight bounding box keeps it in saved files.
    """
    from matplotlib.text import Annotation
    from matplotlib.transforms import Bbox

    def below_axes(renderer: RendererBase) -> Bbox:
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
        boxes = [box for box in boxes if box is not None]
        return Bbox.union(boxes) if boxes else fig.bbox

    note = Annotation(
        text, xy=(0, 0), xycoords=below_axes, xytext=(0, -6), textcoords="offset points",
        ha="left", va="top", fontsize=7, color="#555555",
    )
    fig.add_artist(note)
    return note
