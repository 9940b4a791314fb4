"""Self-checking quizzes: the answer keys in data/reference/quiz/NN.csv, and the checker.

A notebook's Quiz section ends with a cell such as::

    my_answers = {"1": None, "2": None, "3": None}   # write "b", or a number
    quiz.check("02", my_answers)

``check`` shows, for each item, whether the answer is right, not yet answered, or worth
another try, and the explanation once it is right. ``python -m online_economy.quiz`` checks
that every key is well formed.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv

FOLDER = paths.REFERENCE / "quiz"
COLUMNS = ["item", "kind", "question", "choices", "answer", "tolerance", "explanation"]
KINDS = ("choice", "value")


def load_key(notebook: str, folder: Path | None = None) -> pd.DataFrame:
    """The answer key of notebook ``notebook`` ("01" … "06"), checked for form."""
    path = (folder or FOLDER) / f"{notebook}.csv"
    frame = read_csv(path, COLUMNS)
    for row in frame.itertuples():
        where = f"{path.name} item {row.item}"
        if row.kind not in KINDS or not row.question or not row.answer or not row.explanation:
            raise InputError(f"{where}: needs a kind ({'/'.join(KINDS)}), question, answer "
                             "and explanation")
        if row.kind == "choice":
            letters = [c.strip()[:1] for c in row.choices.split("|") if c.strip()]
            if row.answer not in letters:
                raise InputError(f"{where}: answer {row.answer!r} is not one of {letters}")
        else:
            try:
                float(row.answer), float(row.tolerance or 0)
            except ValueError as exc:
                raise InputError(f"{where}: answer and tolerance must be numbers") from exc
    if frame["item"].duplicated().any():
        raise InputError(f"{path.name}: repeated item")
    return frame


def _verdict(row: pd.Series, given: object) -> str:
    """``right``, ``not answered`` or ``try again`` for one answer."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return "not answered"
    if row["kind"] == "choice":
        return "right" if str(given).strip().lower() == row["answer"] else "try again"
    try:
        value = float(given)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "try again"
    tolerance = float(row["tolerance"] or 0)
    return "right" if math.isclose(value, float(row["answer"]), abs_tol=tolerance) else "try again"


def check(
    notebook: str, answers: dict[str, object], folder: Path | None = None
) -> pd.DataFrame:
    """Mark ``answers`` (item -> letter or number) against the key of ``notebook``."""
    key = load_key(notebook, folder)
    unknown = sorted(set(map(str, answers)) - set(key["item"]))
    if unknown:
        raise InputError(f"quiz {notebook} has no item {', '.join(unknown)}")
    rows = []
    for _, row in key.iterrows():
        given = answers.get(row["item"])
        verdict = _verdict(row, given)
        rows.append({
            "item": row["item"], "your answer": "" if given is None else str(given),
            "result": verdict, "why": row["explanation"] if verdict == "right" else "",
        })
    return pd.DataFrame(rows).set_index("item")


def main() -> int:
    """Check every answer key; one line per notebook, exit 2 on the first bad key."""
    try:
        for path in sorted(FOLDER.glob("*.csv")):
            key = load_key(path.stem)
            print(f"{path.name}: {len(key)} items")
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    from online_economy.publish import exit_quietly

    exit_quietly(main())
