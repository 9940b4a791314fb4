"""The quiz checker: answer keys well formed, answers marked right, wrong or missing; the
committed keys (``make quiz`` runs this file)."""

from __future__ import annotations

from pathlib import Path

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


def test_unknown_items_and_bad_keys_are_refused(folder: Path) -> None:
    with pytest.raises(InputError, match="no item 7"):
        quiz.check("99", {"7": "a"}, folder)
    (folder / "98.csv").write_text(KEY.replace(",b,,He", ",d,,He"), encoding="utf-8")
    with pytest.raises(InputError, match="not one of"):
        quiz.load_key("98", folder)
    with pytest.raises(InputError, match="cannot read"):
        quiz.load_key("97", folder)


def test_every_committed_key_is_well_formed() -> None:
    for path in sorted(quiz.FOLDER.glob("*.csv")):
        assert len(quiz.load_key(path.stem)) >= 3, path.name


def test_the_model_answers_are_right() -> None:
    """Every key's answer marks itself right (the keys agree with the checker)."""
    for path in sorted(quiz.FOLDER.glob("*.csv")):
        key = quiz.load_key(path.stem)
        answers = dict(zip(key["item"], key["answer"], strict=True))
        assert set(quiz.check(path.stem, answers)["result"]) == {"right"}, path.name


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("1,choice", "1,pick", "line 2: needs a kind"),
        (",He says 3大类.", ",", "line 2: needs a kind"),
        (",b,,He", ",d,,He", "line 2: answer d is not one of the choices"),
        ("12,0,", "twelve,0,", "line 3: answer and tolerance must be numbers"),
        ("0.8,0.01", "0.8,a bit", "line 4: answer and tolerance must be numbers"),
        ("3,value", "2,value", "line 4: repeated item 2"),
    ],
)
def test_a_malformed_key_names_its_line(folder: Path, old: str, new: str, message: str) -> None:
    (folder / "98.csv").write_text(KEY.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=f"^98.csv {message}"):
        quiz.load_key("98", folder)
