"""Self-checking quizzes: ``quiz.check("02", {"1": "b", "2": 12})`` marks a notebook's quiz
answers against its key ``data/reference/quiz/02.csv`` (right, not answered or try again, and
the explanation once right)."""

import math
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv

FOLDER = paths.REFERENCE / "quiz"
COLUMNS = ["item", "kind", "question", "choices", "answer", "tolerance", "explanation"]


def load_key(notebook: str, folder: Path | None = None) -> pd.DataFrame:
    """The answer key of notebook ``notebook`` ("01" … "06"), checked for form."""
    path = (folder or FOLDER) / f"{notebook}.csv"
    frame = read_csv(path, COLUMNS)
    for row in frame.itertuples():
        where = f"{path.name} item {row.item}"
        if row.kind not in ("choice", "value") or "" in (row.question, row.answer, row.explanation):
            raise InputError(f"{where}: needs a kind (choice/value), question, answer, explanation")
        letters = [c.strip()[:1] for c in row.choices.split("|") if c.strip()]
        if row.kind == "choice" and row.answer not in letters:
            raise InputError(f"{where}: answer {row.answer!r} is not one of {letters}")
        if row.kind == "value" and None in (_number(row.answer), _number(row.tolerance or 0)):
            raise InputError(f"{where}: answer and tolerance must be numbers")
    if frame["item"].duplicated().any():
        raise InputError(f"{path.name}: repeated item")
    return frame


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _verdict(row: pd.Series, given: object) -> str:
    """``right``, ``not answered`` or ``try again`` for one answer."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return "not answered"
    if row["kind"] == "choice":
        right = str(given).strip().lower() == row["answer"]
    else:
        value, tolerance = _number(given), float(row["tolerance"] or 0)
        right = value is not None and math.isclose(value, float(row["answer"]), abs_tol=tolerance)
    return "right" if right else "try again"


def check(notebook: str, answers: dict[str, object], folder: Path | None = None) -> pd.DataFrame:
    """Mark ``answers`` (item -> letter or number) against the key of ``notebook``."""
    key = load_key(notebook, folder)
    unknown = sorted(set(map(str, answers)) - set(key["item"]))
    if unknown:
        raise InputError(f"quiz {notebook} has no item {', '.join(unknown)}")
    rows = []
    for _, row in key.iterrows():
        given = answers.get(row["item"])
        verdict = _verdict(row, given)
        rows.append({"item": row["item"], "your answer": "" if given is None else str(given),
                     "result": verdict, "why": row["explanation"] if verdict == "right" else ""})
    return pd.DataFrame(rows).set_index("item")

