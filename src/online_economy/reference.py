"""The one reader of the data files (data/reference, data/external): word lists and CSV."""

import csv
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from online_economy.errors import InputError


def read_text(path: Path) -> str:
    """The text of the file at ``path``, which must be UTF-8 without a byte-order mark."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        raise InputError(f"{path.name}: starts with a byte-order mark (save it without BOM)")
    return text


def read_lines(path: Path) -> list[str]:
    """The stripped lines of a word list (:func:`read_text`), without blank and ``#`` lines."""
    lines = (line.strip() for line in read_text(path).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """The CSV at ``path`` (:func:`read_text`, header ``columns``, full rows) as text cells;
    parsed once per content, so edits are seen, and a copy for each caller."""
    return _parse(Path(path), read_text(path), tuple(columns)).copy()


@lru_cache(maxsize=64)
def _parse(path: Path, text: str, columns: tuple[str, ...]) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != columns:
        raise InputError(f"{path.name}: header must be {','.join(columns)}")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise InputError(f"{path.name} line {line}: {len(row)} cells, expected {len(columns)}")
    frame = pd.DataFrame(rows[1:], columns=list(columns), dtype=object)
    frame.attrs["path"] = str(path)
    return frame


def reject(frame: pd.DataFrame, bad: pd.Series, msg: str, shown: pd.Series | None = None) -> None:
    """Fail naming the file and CSV line of the first ``bad`` row (``{}`` in ``msg``: ``shown``)."""
    hits = bad.to_numpy(dtype=bool, na_value=False)
    if hits.any():
        row = int(hits.argmax())
        msg = msg.format("" if shown is None else shown.iloc[row])
        raise InputError(f"{Path(frame.attrs['path']).name} line {row + 2}: {msg}")
