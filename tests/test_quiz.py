"""The quiz checker: answer keys well formed, answers marked right, wrong or missing; the
committed keys (``make quiz`` runs this file)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from online_economy import quiz
from online_economy.errors import InputError

KEY = """item,kind,question,choices,answer,tolerance,explanation
1,choice,How many categories?,a) two | b) three | c) twelve,b,,He says 3大类.
2,value,How many domains?,,12,0,这12个重点领域.
3,value,Share?,,0.8,0.01,80%.
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "99.csv").write_text(KEY, encoding="utf-8")
    return tmp_path


def test_answers_are_marked(folder: Path) -> None:
    result = quiz.check("99", {"1": "B ", "2": 11, "3": "0.805"}, folder)
    assert result["result"].tolist() == ["right", "try again", "right"]
    assert result.loc["1", "why"] == "He says 3大类."
    assert result.loc["2", "why"] == ""


def test_missing_answers_are_not_answered(folder: Path) -> None:
    result = quiz.check("99", {"1": None, "2": ""}, folder)
    assert set(result["result"]) == {"not answered"}


def test_unknown_items_are_refused(folder: Path) -> None:
    with pytest.raises(InputError, match="no item 7"):
        quiz.check("99", {"7": "a"}, folder)
    with pytest.raises(InputError, match="cannot read"):
        quiz.load_key("97", folder)


def key_problems(key: pd.DataFrame) -> list[str]:
    """What is wrong with the form of an answer key, one line per fault."""
    problems = []
    for row in key.itertuples():
        if row.kind not in ("choice", "value") or "" in (row.question, row.answer, row.explanation):
            problems.append(f"item {row.item}: needs a kind (choice/value), question, answer, "
                            "explanation")
        letters = [c.strip()[:1] for c in row.choices.split("|") if c.strip()]
        if row.kind == "choice" and row.answer not in letters:
            problems.append(f"item {row.item}: answer {row.answer!r} is not one of {letters}")
        if row.kind == "value":
            try:
                float(row.answer)
                float(row.tolerance or 0)
            except ValueError:
                problems.append(f"item {row.item}: answer and tolerance must be numbers")
    problems += [f"item {item}: repeated" for item in key["item"][key["item"].duplicated()]]
    return problems


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("1,choice", "1,pick", "item 1: needs a kind"),
        (",He says 3大类.", ",", "item 1: needs a kind"),
        (",b,,He", ",d,,He", "item 1: answer 'd' is not one of ['a', 'b', 'c']"),
        ("12,0,", "twelve,0,", "item 2: answer and tolerance must be numbers"),
        ("0.8,0.01", "0.8,a bit", "item 3: answer and tolerance must be numbers"),
        ("3,value", "2,value", "item 2: repeated"),
    ],
)
def test_a_malformed_key_is_found(folder: Path, old: str, new: str, problem: str) -> None:
    assert key_problems(quiz.load_key("99", folder)) == []
    (folder / "98.csv").write_text(KEY.replace(old, new, 1), encoding="utf-8")
    assert [line[: len(problem)] for line in key_problems(quiz.load_key("98", folder))] == [problem]


def test_every_committed_key_is_well_formed() -> None:
    for path in sorted(quiz.FOLDER.glob("*.csv")):
        key = quiz.load_key(path.stem)
        assert len(key) >= 3, path.name
        assert key_problems(key) == [], path.name


def test_the_model_answers_are_right() -> None:
    """Every key's answer marks itself right (the keys agree with the checker)."""
    for path in sorted(quiz.FOLDER.glob("*.csv")):
        key = quiz.load_key(path.stem)
        answers = dict(zip(key["item"], key["answer"], strict=True))
        assert set(quiz.check(path.stem, answers)["result"]) == {"right"}, path.name
