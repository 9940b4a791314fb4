"""The one reader of the project's CSV data (data/reference, data/external)."""

import csv
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from online_economy.errors import InputError


def read_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """The CSV at ``path`` (UTF-8 without BOM, header ``columns``, full rows) as text cells;
    parsed once per version (mtime, size), so edits are seen, and a copy for each caller."""
    path = Path(path)
    try:
        stat = path.stat()
        return _parse(path, stat.st_mtime_ns, stat.st_size, tuple(columns)).copy()
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({exc.strerror or exc})") from None


@lru_cache(maxsize=64)
def _parse(path: Path, _mtime_ns: int, _size: int, columns: tuple[str, ...]) -> pd.DataFrame:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError(f"{path.name}: starts with a byte-order mark (save it as UTF-8 "
                         "without BOM)")
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 (byte {exc.start})") from None
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
