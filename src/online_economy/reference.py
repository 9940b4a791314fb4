"""One way to read the project's plain-file data (data/reference, data/external) as text.

Every loader of a CSV there goes through :func:`read_csv`: UTF-8 without a byte-order mark,
the exact header, the same number of cells on every line, empty cells as "". A file is parsed
once per version (path, modification time, size) and callers get a copy, so an edited file is
re-read by every user of it and no caller can change another's table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from online_economy.errors import InputError


def read_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    """The CSV at ``path`` as a frame of strings, checked against ``columns``."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({exc.strerror or exc})") from None
    return _parse(path, stat.st_mtime_ns, stat.st_size, tuple(columns)).copy()


@lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int, size: int, columns: tuple[str, ...]) -> pd.DataFrame:
    """The work of :func:`read_csv` for one version of one file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path.name} ({exc.strerror or exc})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError(f"{path.name}: starts with a byte-order mark (save it as UTF-8 "
                         "without BOM)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not UTF-8 (byte {exc.start})") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != columns:
        raise InputError(f"{path.name}: header must be {','.join(columns)}")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise InputError(f"{path.name} line {line}: {len(row)} cells, expected "
                             f"{len(columns)}")
    frame = pd.DataFrame(rows[1:], columns=list(columns), dtype=object)
    frame.attrs["path"] = str(path)
    return frame
