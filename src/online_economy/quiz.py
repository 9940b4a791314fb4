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
    """The answer key of notebook ``notebook`` ("01" … "06"); tests check the keys' form."""
    return read_csv((folder or FOLDER) / f"{notebook}.csv", COLUMNS)


def _verdict(row: pd.Series, given: object) -> str:
    """``right``, ``not answered`` or ``try again`` for one answer."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return "not answered"
    if row["kind"] == "choice":
        return "right" if str(given).strip().lower() == row["answer"] else "try again"
    try:
        value, answer, tolerance = float(given), float(row["answer"]), float(row["tolerance"] or 0)
    except (TypeError, ValueError):
        return "try again"
    return "right" if math.isclose(value, answer, abs_tol=tolerance) else "try again"


def check(notebook: str, answers: dict[str, object], folder: Path | None = None) -> pd.DataFrame:
    """Mark ``answers`` (item -> letter or number) against the key of ``notebook``."""
    key = load_key(notebook, folder).set_index("item")
    unknown = sorted(set(map(str, answers)) - set(key.index))
    if unknown:
        raise InputError(f"quiz {notebook} has no item {', '.join(unknown)}")
    given = [answers.get(item) for item in key.index]
    verdicts = [_verdict(row, g) for (_, row), g in zip(key.iterrows(), given, strict=True)]
    why = [text if verdict == "right" else ""
           for text, verdict in zip(key["explanation"], verdicts, strict=True)]
    shown = ["" if g is None else str(g) for g in given]
    return pd.DataFrame({"item": list(key.index), "your answer": shown, "result": verdicts,
                         "why": why}).set_index("item")
