"""The teaching kit in the notebooks: levels and times, one solution per exercise, from-scratch
exercises, quizzes. A teacher who adds an exercise runs this file."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat
import pytest

from online_economy import paths, quiz

NOTEBOOKS = sorted(paths.ROOT.glob(f"notebooks/{paths.NOTEBOOK_GLOB}"))
LEVELS = ("starter", "core", "stretch")
HEADING = re.compile(r"^#{2,4} Exercise (\d+\.\d+) · (starter|core|stretch) · (\d+) min\b", re.M)
SOLUTION = re.compile(r"^#{1,6}\s*Solution\s+(\d+\.\d+)\b", re.M)
FROM_SCRATCH = re.compile(r"\b(jieba|re|pd|pandas)\.\w+")


def _cells(path: Path) -> list[nbformat.NotebookNode]:
    return nbformat.read(path, as_version=4).cells


def _exercises(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in _cells(path) if c.cell_type == "markdown"
            and "exercise" in c.metadata.get("tags", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_a_level_and_a_time(path: Path) -> None:
    exercises = _exercises(path)
    assert exercises
    for cell in exercises:
        tags = cell.metadata["tags"]
        levels = [t.split(":", 1)[1] for t in tags if t.startswith("level:")]
        minutes = [int(t.split(":", 1)[1]) for t in tags if t.startswith("minutes:")]
        assert len(levels) == 1 and levels[0] in LEVELS, (path.name, tags)
        assert len(minutes) == 1 and 3 <= minutes[0] <= 60, (path.name, tags)
        heading = HEADING.search(cell.source)
        assert heading, (path.name, cell.source[:80])
        assert (heading[2], int(heading[3])) == (levels[0], minutes[0]), heading[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_exactly_one_solution(path: Path) -> None:
    """2-4 exercises numbered after their notebook, and one "Solution N.M" heading for each (and
    for nothing else) in notebooks/solutions/NN-...-solutions.ipynb."""
    headings = [HEADING.search(c.source) for c in _exercises(path)]
    assert all(headings), f"{path.name}: an exercise cell has no 'Exercise N.M' heading"
    ids = [m[1] for m in headings]
    assert 2 <= len(ids) <= 4, f"{path.name}: {len(ids)} exercises, expected 2-4"
    assert all(ex.split(".")[0] == str(int(path.name[:2])) for ex in ids), (path.name, ids)
    assert len(set(ids)) == len(ids), f"{path.name}: an exercise id appears twice: {ids}"
    solutions = path.parent / "solutions" / f"{path.stem}-solutions.ipynb"
    assert solutions.is_file(), f"{path.name}: no solutions notebook solutions/{solutions.name}"
    found = [sid for c in _cells(solutions) if c.cell_type == "markdown"
             for sid in SOLUTION.findall(c.source)]
    assert sorted(found) == sorted(ids), f"{solutions.name}: one 'Solution N.M' per exercise"


@pytest.mark.parametrize("path", NOTEBOOKS[:-1], ids=lambda p: p.name)
def test_every_analysis_notebook_has_a_from_scratch_exercise(path: Path) -> None:
    scratch = [c for c in _exercises(path) if "from-scratch" in c.metadata["tags"]]
    assert scratch, f"{path.name}: no exercise tagged from-scratch"
    number = path.name[:2]
    solutions = next(paths.ROOT.glob(f"notebooks/solutions/{number}-*-solutions.ipynb"))
    code = "\n".join(c.source for c in _cells(solutions) if c.cell_type == "code")
    assert FROM_SCRATCH.search(code), f"{solutions.name} calls no library directly"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_quiz_can_be_checked(path: Path) -> None:
    number = path.name[:2]
    key = quiz.load_key(number)
    assert len(key) >= 3
    code = "\n".join(c.source for c in _cells(path) if c.cell_type == "code")
    assert f'quiz.check("{number}"' in code, f"{path.name} has no quiz.check cell"
    solutions = next(paths.ROOT.glob(f"notebooks/solutions/{number}-*-solutions.ipynb"))
    code = "\n".join(c.source for c in _cells(solutions) if c.cell_type == "code")
    assert f'quiz.check("{number}"' in code, f"{solutions.name} does not check the model answers"


def test_every_analysis_notebook_has_a_summary_for_the_site_index() -> None:
    for path in NOTEBOOKS:
        summary = nbformat.read(path, as_version=4).metadata.get("online_economy", {})
        assert str(summary.get("summary", "")).strip(), f"{path.name}: no metadata summary"


GUIDE = paths.ROOT / "docs" / "teaching.md"


def test_every_session_plan_fills_ninety_minutes_without_gaps() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    tables = re.findall(r"\| Minutes \| Activity \|\n\|[-|]+\|\n((?:\|.*\|\n)+)", text)
    course = text[text.index("| Session | Before it"):].split("\n\n", 1)[0].splitlines()[2:]
    spans = [[tuple(map(int, m)) for m in re.findall(r"^\| (\d+)–(\d+) \|", t, re.M)]
             for t in tables]
    assert len(spans) == 2
    for row in course:  # the four-session course: times inside the class column
        in_class = row.split("|")[3]
        spans.append([tuple(map(int, m)) for m in re.findall(r"(\d+)–(\d+) ", in_class)])
    assert len(spans) == 6
    for plan in spans:
        assert plan[0][0] == 0 and plan[-1][1] == 90, plan
        assert all(a[1] == b[0] for a, b in itertools.pairwise(plan)), plan


def test_the_exercises_the_guide_names_exist_with_their_level() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    text = text[text.index("## Exercises, rubrics"):text.index("## Installing on classroom")]
    headings = {}
    for path in NOTEBOOKS:
        for cell in _exercises(path):
            m = HEADING.search(cell.source)
            headings[m[1]] = m[2]
    named = re.findall(r"Exercises? (\d\.\d)(?: \((starter|core|stretch))?", text)
    assert len(named) >= 10
    for number, level in named:
        assert number in headings, number
        assert not level or headings[number] == level, (number, level, headings[number])
