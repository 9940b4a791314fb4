"""Rebuild the bundled CJK chart font: a subset of Noto Sans CJK SC Regular.

Usage::

    pip download --no-deps -d /tmp/fdl mplfonts==0.0.11
    .venv/bin/python tools/make_font_subset.py --source /tmp/fdl/mplfonts-0.0.11-py3-none-any.whl

The source may be the mplfonts wheel or the extracted ``NotoSansCJKsc-Regular.otf``; its
SHA-256 is checked so that the output is the same bytes on every machine. The subset keeps
GB2312's hanzi, ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation, Halfwidth
and Fullwidth Forms, and every character of the files in data/raw and data/reference. The
family is renamed to "OE Noto Sans SC" (see src/online_economy/fonts/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "online_economy" / "fonts" / "OENotoSansSC-Regular.otf"
MEMBER = "mplfonts/fonts/NotoSansCJKsc-Regular.otf"
SOURCE_SHA256 = "1652500938055a232cfbfa321de6ebaadfc5635dd9f75e369bc991d14a6512dd"

FAMILY = "OE Noto Sans SC"
STYLE = "Regular"
PS_NAME = "OENotoSansSC-Regular"
DESCRIPTION = (
    "Subset of Noto Sans CJK SC Regular 1.004 (GB2312 hanzi, ASCII, Latin-1, punctuation and "
    "every character of the online-economy project's data), renamed; a Modified Version "
    "under the SIL Open Font License 1.1."
)
BLOCKS = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x2212, 0x2212),  # MINUS SIGN, in case a chart turns axes.unicode_minus back on
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
)


def read_source(path: Path) -> bytes:
    """The original OTF bytes, from the wheel or the bare file, checked by SHA-256."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            data = wheel.read(MEMBER)
    else:
        data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"error: {path}: unexpected font (sha256 {digest})")
    return data


def gb2312_hanzi() -> set[str]:
    """Every CJK unified ideograph that GB2312 can encode (its 6,763 hanzi)."""
    found = set()
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        found.add(char)
    return found


def data_characters() -> set[str]:
    """Every printable character in the files of data/raw and data/reference."""
    chars: set[str] = set()
    for folder in (ROOT / "data" / "raw", ROOT / "data" / "reference"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() and not c.isspace()} | {" "}


def wanted_codepoints() -> tuple[list[int], set[str]]:
    """All code points to keep, and the subset of them the project's data needs."""
    needed = data_characters()
    chars = gb2312_hanzi() | needed
    for start, end in BLOCKS:
        chars.update(chr(code) for code in range(start, end + 1))
    return sorted(ord(c) for c in chars), needed


def rename(font: TTFont) -> None:
    """Give the subset its own family name (name table and CFF names)."""
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 10):
            names.removeNames(nameID=record.nameID)
    version = names.getDebugName(5) or ""
    for name_id, value in (
        (1, FAMILY),
        (2, STYLE),
        (3, f"{PS_NAME};{version.split(';')[0]};subset"),
        (4, f"{FAMILY} {STYLE}"),
        (6, PS_NAME),
        (10, DESCRIPTION),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    cff.fontNames = [PS_NAME]
    top.FullName = f"{FAMILY} {STYLE}"
    top.FamilyName = FAMILY
    if hasattr(top, "CIDFontName"):
        top.CIDFontName = PS_NAME
    for fd in getattr(top, "FDArray", []) or []:
        if hasattr(fd, "FontName"):
            fd.FontName = fd.FontName.replace("NotoSansCJKsc-Regular", PS_NAME)


def build(source: Path, out: Path) -> tuple[int, int]:
    """Write the subset to ``out``; return (characters kept, glyphs)."""
    data = read_source(source)
    codepoints, needed = wanted_codepoints()
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    missing = sorted(c for c in needed if ord(c) not in font.getBestCmap())
    if missing:
        raise SystemExit(f"error: the source font lacks {''.join(missing)!r}")
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = [0x409]
    options.name_legacy = False
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    options.layout_features = ["kern", "liga", "vert", "vrt2"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    rename(font)
    buffer = io.BytesIO()
    font.save(buffer)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    kept = len(font.getBestCmap())
    return kept, len(font.getGlyphOrder())


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--source`` wheel or OTF, ``--out`` target file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="mplfonts wheel or OTF")
    parser.add_argument("--out", type=Path, default=OUT, help="output .otf")
    args = parser.parse_args(argv)
    kept, glyphs = build(args.source, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    size = args.out.stat().st_size
    print(f"{args.out.name}: {kept} characters, {glyphs} glyphs, {size} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
