"""Chart style: the bundled CJK font renders everything, saving is reproducible, greys differ."""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

# matplotlib's font cache goes under the repo's .cache, unless matplotlib is already imported.
os.environ.setdefault("MPLCONFIGDIR", str(Path(__file__).parents[1] / ".cache" / "matplotlib"))

import pytest
from matplotlib import colors, font_manager
from matplotlib import pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from online_economy import paths, plotting
from online_economy.errors import InputError

TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def style() -> Iterator[None]:
    with plt.style.context(plotting.style()):
        yield
    plt.close("all")


@pytest.fixture()
def out() -> Iterator[Path]:
    folder = paths.CACHE / "test_plotting"
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def lightness(colour: str) -> float:
    """CIE L* (0-100) of an sRGB colour: what it looks like in greyscale."""
    rgb = colors.to_rgb(colour)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def test_font_is_bundled_licensed_and_renamed() -> None:
    assert plotting.FONT_PATH.is_file() and plotting.FONT_PATH.stat().st_size < 5_000_000
    folder = plotting.FONT_PATH.parent
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text(encoding="utf-8")
    assert (folder / "README.md").is_file()
    font = FT2Font(str(plotting.FONT_PATH))
    assert font.family_name == plotting.FONT_FAMILY
    assert "Source" not in font.family_name and "Source" not in font.postscript_name


def test_font_covers_every_character_of_the_data() -> None:
    charmap = FT2Font(str(plotting.FONT_PATH)).get_charmap()
    files = [paths.TRANSCRIPT, *sorted(p for p in paths.REFERENCE.rglob("*") if p.is_file())]
    for path in files:
        chars = set(path.read_text(encoding="utf-8"))
        missing = sorted(c for c in chars if c.isprintable() and ord(c) not in charmap)
        assert missing == [], f"{path.name}: rebuild the font (tools/make_font_subset.py)"


def test_findfont_resolves_to_the_bundled_font() -> None:
    default = font_manager.FontProperties()
    assert Path(font_manager.findfont(default, fallback_to_default=False)) == plotting.FONT_PATH
    named = font_manager.FontProperties(family=plotting.FONT_FAMILY)
    assert Path(font_manager.findfont(named, fallback_to_default=False)) == plotting.FONT_PATH


def test_every_transcript_character_draws_without_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    lines = [line.strip() for line in TEXT.splitlines() if line.strip()]
    chars = "".join(sorted(set(TEXT) - {"\n"}))
    ax.set_title(chars[:60])
    ax.set_xlabel(chars[60:120])
    ax.set_ylabel("同比增长 -1%")
    labels = [chars[i : i + 40] for i in range(120, len(chars), 40)]
    ax.barh(range(len(labels)), range(-3, len(labels) - 3))  # negative ticks: minus sign
    ax.set_yticks(range(len(labels)), labels)
    texts = [ax.text(0, 0, line[:80]) for line in lines]
    note = plotting.source_note(fig)
    with caplog.at_level(logging.DEBUG, logger="matplotlib"), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    noisy = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert noisy == []
    for artist in [*texts, note, ax.title, ax.xaxis.label, *ax.get_yticklabels()]:
        used = font_manager.findfont(artist.get_fontproperties(), fallback_to_default=False)
        assert Path(used) == plotting.FONT_PATH
    assert note.get_text() == plotting.SOURCE_TEXT
    renderer = fig.canvas.get_renderer()
    assert note.get_window_extent(renderer).y1 < ax.get_tightbbox(renderer).y0


def _figure() -> Figure:
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    colours, hatches = plotting.category_colours(), plotting.category_hatches()
    for i, cid in enumerate(colours):
        ax.bar(i, i + 1, color=colours[cid], hatch=hatches[cid], label=cid)
    ax.set_title("三类十二个领域 · 在线新经济")
    ax.legend()
    plotting.source_note(fig)
    return fig


def test_saving_twice_gives_identical_bytes(out: Path) -> None:
    plotting.show_figure(_figure(), "demo", out)
    png, svg = out / "demo.png", out / "demo.svg"
    first = png.read_bytes(), svg.read_bytes()
    plotting.show_figure(_figure(), "demo", out)
    assert (png.read_bytes(), svg.read_bytes()) == first
    assert first[0].startswith(b"\x89PNG") and b"Software" not in first[0]
    assert b"<dc:date>" not in first[1] and b"Matplotlib v" not in first[1]
    assert b"<text" not in first[1]  # glyphs are paths: no font needed to view it


def test_png_and_svg_share_one_crop_with_the_note_under_the_axes(out: Path) -> None:
    fig = _figure()
    ax, note = fig.axes[0], fig.artists[-1]
    ax.set_yticks([0, 2, 4], ["在线新经济" * 3, "数据 data", "同比增长 -1%"])
    ax.set_xlabel("在线新经济 · online new economy")
    plotting.show_figure(fig, "demo", out)
    header = (out / "demo.png").read_bytes()[16:24]
    png_points = [int.from_bytes(header[i : i + 4], "big") * 72 / 150 for i in (0, 4)]
    svg = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', (out / "demo.svg").read_text())
    assert svg is not None
    assert [float(svg[1]), float(svg[2])] == pytest.approx(png_points, abs=72 / 150)
    renderer = RendererAgg(*fig.bbox.size, fig.dpi)
    assert note.get_window_extent(renderer).y1 < ax.get_tightbbox(renderer).y0


def test_show_figure_rejects_path_like_names(out: Path) -> None:
    for name in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(InputError, match="figure name"):
            plotting.show_figure(Figure(), name, out)


def test_category_colours_differ_in_greyscale() -> None:
    colours = plotting.category_colours()
    assert list(colours) == ["new", "shift", "scale", plotting.UNPLACED]
    grey = {cid: lightness(c) for cid, c in colours.items()}
    for a, b in itertools.combinations(grey, 2):
        assert abs(grey[a] - grey[b]) >= 10, (a, b, grey)
    hatches = plotting.category_hatches()
    assert len({hatches[c] for c in ("new", "shift", "scale")}) == 3
    assert hatches[plotting.UNPLACED] == ""


def test_show_figure_saves_closes_and_returns_the_written_png(tmp_path) -> None:
    import matplotlib.pyplot as plt

    from online_economy.plotting import show_figure

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([1, 2], [3, 4])
    image = show_figure(fig, "shown", folder=tmp_path)
    assert image.data == (tmp_path / "shown.png").read_bytes()
    assert (tmp_path / "shown.svg").is_file()
    assert image.width == 4 * plt.rcParams["figure.dpi"]
    assert not plt.fignum_exists(fig.number)


def test_importing_the_module_leaves_matplotlib_unloaded() -> None:
    """The site and the lab launcher import FONT_PATH and the colours: no matplotlib for that."""
    code = ("import sys; from online_economy.plotting import FONT_PATH, category_colours; "
            "category_colours(); print([m for m in sys.modules if m.startswith('matplotlib')])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
