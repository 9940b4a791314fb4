"""Every offset that any data CSV (reference or external) cites into the raw transcript."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths, spans


def span_files(data: Path = paths.DATA) -> list[Path]:
    """Every CSV in ``data/reference`` and ``data/external``, the folders whose CSVs cite spans."""
    folders = (data / "reference", data / "external")
    return [csv for folder in folders for csv in sorted(folder.glob("*.csv"))]


def check_file(path: Path) -> list[str]:
    """The problems :func:`spans.check_spans` finds in the CSV at ``path``, named by its stem."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return spans.check_spans(frame, TEXT, path.stem)


TEXT = paths.TRANSCRIPT.read_text(encoding="utf-8")
SPAN_CSVS = span_files()
MINE = {"categories": 12, "domains": 9, "entities": 44, "cross_checks": 12}


@pytest.mark.parametrize(
    "path", SPAN_CSVS, ids=[p.relative_to(paths.DATA).as_posix() for p in SPAN_CSVS]
)
def test_every_cited_span_matches_the_transcript(path: Path) -> None:
    problems = check_file(path)
    assert problems == [], f"{len(problems)} bad spans in {path.name}:\n" + "\n".join(problems)


def test_span_files_cover_reference_and_external(tmp_path: Path) -> None:
    folders = {p.parent for p in SPAN_CSVS}
    assert folders == {paths.REFERENCE, paths.DATA / "external"}
    (tmp_path / "external").mkdir()
    (tmp_path / "external" / "b.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "external" / "notes.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "a.csv").write_text("x\n", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in span_files(tmp_path)]
    assert found == ["reference/a.csv", "external/b.csv"]


def test_the_glob_sees_the_taxonomy_and_external_files() -> None:
    by_stem = {p.stem: p for p in SPAN_CSVS}
    assert set(MINE) <= set(by_stem)
    for stem, minimum in MINE.items():
        frame = pd.read_csv(by_stem[stem], dtype=str, keep_default_na=False)
        starts = frame[[c for c in frame.columns if c.endswith("_start")]]
        assert (starts != "").sum().sum() >= minimum, stem  # spans cited: checked above


def frame(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_good_spans_pass_and_empty_spans_are_skipped() -> None:
    start = TEXT.index("无人工厂")
    good = frame(name=["无人工厂", "x"], first_start=[start, ""], first_end=[start + 4, ""])
    assert spans.check_spans(good, TEXT, "entities") == []
    assert "no quote column" in spans.check_spans(good, TEXT, "unknown")[0]


def test_off_by_one_is_reported() -> None:
    start = TEXT.index("远程办公")
    bad = frame(name=["远程办公"], first_start=[start + 1], first_end=[start + 5])
    [problem] = spans.check_spans(bad, TEXT, "entities")
    assert "entities line 2 first_start/first_end" in problem and "'远程办公'" in problem


def test_first_must_be_the_first_occurrence() -> None:
    start = TEXT.index("健康云")
    later = TEXT.index("健康云", start + 1)
    bad = frame(name=["健康云"], first_start=[later], first_end=[later + 3])
    assert "first occurrence" in spans.check_spans(bad, TEXT, "entities")[0]
    other = frame(name=["健康云"], mention_start=[later], mention_end=[later + 3])
    assert spans.check_spans(other.rename(columns={"name": "mention"}), TEXT, "demo") == []


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"x_start": [1], "x_end": [3]}, "no quote column"),
        ({"x": ["ab"], "x_start": [1]}, "has no partner"),
        ({"x": ["ab"], "x_start": [5000], "x_end": [5100]}, "not inside the text"),
        ({"x": ["ab"], "x_start": [3], "x_end": [3]}, "not inside the text"),
        ({"x": ["ab"], "x_start": ["1.5"], "x_end": [3]}, "not both integers"),
        ({"x": ["ab"], "x_start": [1], "x_end": [""]}, "not both integers"),
        ({"x": [""], "x_start": [1], "x_end": [3]}, "x is empty"),
    ],
)
def test_malformed_spans_are_reported(columns: dict[str, list[object]], expected: str) -> None:
    problems = spans.check_spans(frame(**columns), TEXT, "demo")
    assert problems and expected in problems[0], problems


def test_mapped_quote_columns_and_whole_paragraphs() -> None:
    cats = pd.read_csv(paths.REFERENCE / "categories.csv", dtype=str, keep_default_na=False)
    assert spans.QUOTE_COLUMN_FOR["categories"]["paragraph"] == spans.LINE
    quoted = cats.copy()
    quoted.loc[0, ["name_zh", "emphasis"]] = ["x", "y"]  # name_* quotes name_zh; emphasis itself
    problems = spans.check_spans(quoted, TEXT, "categories")
    assert [p.split(":")[0] for p in problems] == ["categories line 2 emphasis_start/emphasis_end",
                                                   "categories line 2 name_start/name_end"]
    assert problems[0].endswith("not 'y'") and problems[1].endswith("not 'x'")
    shifted = cats.copy()
    shifted.loc[0, "paragraph_end"] = str(int(shifted.loc[0, "paragraph_end"]) - 1)
    problems = spans.check_spans(shifted, TEXT, "categories")
    assert problems == ["categories line 2 paragraph_start/paragraph_end: "
                        f"{cats.loc[0, 'paragraph_start']}..{shifted.loc[0, 'paragraph_end']} "
                        "is not one whole paragraph"]
    indented = cats.copy()
    indented.loc[1, "paragraph_start"] = str(int(indented.loc[1, "paragraph_start"]) - 2)
    assert len(spans.check_spans(indented, TEXT, "categories")) == 1


def test_a_file_on_disk_is_checked_by_its_stem() -> None:
    folder = paths.CACHE / "test_spans"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "glossary.csv"
    start = TEXT.index("在线新经济")
    try:
        path.write_text(f"term,first_start,first_end\n在线新经济,{start},{start + 4}\n",
                        encoding="utf-8")
        [problem] = check_file(path)
        assert problem.startswith("glossary line 2 first_start/first_end")
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
