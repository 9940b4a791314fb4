"""The project's English translation: it covers every paragraph of the turns, renders the
glossary's terms consistently and keeps every figure of the Chinese exact."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from online_economy.errors import InputError
from online_economy.glossary import load_glossary
from online_economy.tables import quantities_table, raw_parsed
from online_economy.website import TRANSLATION_COLUMNS, load_translation

PARSED = raw_parsed()
TRANSLATION = load_translation()
QUALIFIER_WORDS = {
    "approx": ("nearly", "about", "almost", "around"),
    "over": ("more than", "over", "exceeded", "above"),
}


def renderings(gloss: str) -> re.Pattern[str]:
    """What counts as the gloss in English: case aside, with or without its parenthesis,
    without a leading "the", spaces and hyphens alike, the last word singular or plural."""
    forms = {gloss, re.sub(r"\s*\([^)]*\)", "", gloss), re.sub(r"[()]", "", gloss)}
    patterns = []
    for form in forms:
        form = re.sub(r"^the\s+", "", form.strip(), flags=re.I)
        words = re.split(r"[\s-]+", form)
        last = words[-1]
        if last.endswith("ies"):
            last = re.escape(last[:-3]) + "(?:y|ies)"
        elif last.endswith("s") and len(last) > 3:
            last = re.escape(last[:-1]) + "s?"
        else:
            last = re.escape(last) + "s?"
        body = r"[\s-]+".join([*map(re.escape, words[:-1]), last])
        patterns.append(rf"(?<![A-Za-z]){body}(?![A-Za-z])")
    return re.compile("|".join(patterns), re.I)


def english_numbers(text: str) -> list[tuple[int, float]]:
    """(position, value) of every number written in ``text``: 1,560 · 8.8 billion · 30%."""
    found = []
    pattern = r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s+(?:million|billion))?"
    for m in re.finditer(pattern, text):
        value = float(m[1].replace(",", "") + (m[2] or ""))
        scale = (m[3] or "").strip()
        value *= {"million": 1e6, "billion": 1e9}.get(scale, 1)
        found.append((m.start(), value))
    return found


def test_the_offsets_tile_every_turn() -> None:
    rows = list(TRANSLATION[["turn", "paragraph", "start", "end"]].itertuples(index=False))
    expected = [(p.turn, p.index, p.start, p.end) for p in PARSED.paragraphs]
    assert [tuple(map(int, r)) for r in rows] == expected
    text = PARSED.text
    for turn in PARSED.turns:
        mine = TRANSLATION[TRANSLATION["turn"] == turn.index]
        assert len(mine), f"turn {turn.index} has no translation"
        assert int(mine["start"].iloc[0]) == turn.start
        assert int(mine["end"].iloc[-1]) == turn.end
        for end, start in zip(mine["end"].iloc[:-1], mine["start"].iloc[1:], strict=True):
            assert end < start and text[end:start].strip() == "", (turn.index, end, start)


def test_every_paragraph_has_english() -> None:
    for row in TRANSLATION.itertuples():
        latin = len(re.findall(r"[A-Za-z]", row.en))
        hanzi = len(re.findall(r"[\u4e00-\u9fff]", row.en))
        assert latin > 4 * hanzi, (row.turn, row.paragraph)
        assert row.en == row.en.strip() and "  " not in row.en


def test_glossary_terms_are_rendered_with_their_gloss_or_kept_in_chinese() -> None:
    glossary = load_glossary()
    text = PARSED.text
    missing = []
    for row in TRANSLATION.itertuples():
        chinese = text[row.start:row.end]
        for term, gloss in zip(glossary["term"], glossary["gloss_en"], strict=True):
            if term in chinese and term not in row.en and not renderings(gloss).search(row.en):
                missing.append(f"{row.turn}.{row.paragraph}: {term} -> {gloss!r}")
    assert missing == []


@pytest.mark.parametrize(
    ("gloss", "english", "ok"),
    [
        ("key domains", "one key domain", True),
        ("new (business) models", "new models", True),
        ("new (business) models", "new business models", True),
        ("delivery (to the customer)", "contactless delivery", True),
        ("the epidemic", "epidemic-prevention services", True),
        ("and others", "and other areas", True),
        ("live streaming", "live-streaming classrooms", True),
        ("unmanned factories", "an unmanned factory", True),
        ("online", "onlineness", False),
        ("year on year", "per year", False),
        ("paperless", "paper", False),
    ],
)
def test_renderings(gloss: str, english: str, ok: bool) -> None:
    assert bool(renderings(gloss).search(english)) is ok


def test_every_figure_is_kept_exactly_with_its_qualifier() -> None:
    quantities = quantities_table(PARSED)
    english = {(r.turn, r.paragraph): r.en for r in TRANSLATION.itertuples()}
    problems = []
    for q in quantities.itertuples():
        en = english[(q.turn, q.paragraph)]
        hits = [pos for pos, value in english_numbers(en) if value == pytest.approx(q.value)]
        if not hits:
            problems.append(f"{q.surface} ({q.value:g}) not in {q.turn}.{q.paragraph}")
            continue
        words = QUALIFIER_WORDS.get(q.qualifier, ())
        if words and not any(en[max(0, p - 12):p].rstrip().lower().endswith(words) for p in hits):
            problems.append(f"{q.surface}: no {'/'.join(words)} before the figure")
    assert problems == []


def test_english_numbers() -> None:
    assert [v for _, v in english_numbers("1,560 experts, 8.8 billion yuan, 30% and 2")] == [
        1560, 8.8e9, 30, 2]
    assert [v for _, v in english_numbers("188.428 billion (1884.28亿元)")] == [
        pytest.approx(1.88428e11), 1884.28]


def _write(tmp_path: Path, text: str, bom: bool = False) -> Path:
    path = tmp_path / "translation_en.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("text", "bom", "message"),
    [
        ("turn,paragraph,start,end,en,note\n0,0,43,128,Hello,\n", True, "byte-order mark"),
        ("turn,start,end,en\n0,43,128,Hello\n", False, "header must be"),
        ("turn,paragraph,start,end,en,note\n0,0,4x,128,Hello,\n", False, "line 2: start"),
        ("turn,paragraph,start,end,en,note\n0,0,43,128, ,\n", False, "line 2: no English"),
    ],
)
def test_bad_translation_files_are_one_line_errors(
    tmp_path: Path, text: str, bom: bool, message: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        load_translation(_write(tmp_path, text, bom))
    assert "\n" not in str(info.value)


def test_a_good_file_loads_with_integer_offsets(tmp_path: Path) -> None:
    frame = load_translation(_write(tmp_path, "turn,paragraph,start,end,en,note\n0,0,43,128,Hi,\n"))
    assert list(frame.columns) == TRANSLATION_COLUMNS
    assert frame.loc[0, "start"] == 43 and pd.api.types.is_integer_dtype(frame["end"])
