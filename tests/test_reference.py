"""The one reader of the project's data files: word lists and CSV, form checks, edits seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from online_economy.errors import InputError
from online_economy.reference import read_csv, read_lines


def test_reads_text_cells_and_rereads_an_edited_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,\n", encoding="utf-8")
    first = read_csv(path, ["a", "b"])
    assert first.to_dict("records") == [{"a": "1", "b": ""}]
    first.loc[0, "a"] = "changed"  # a caller's copy: the next reader is not affected
    assert read_csv(path, ["a", "b"]).loc[0, "a"] == "1"
    path.write_text("a,b\n2,\n", encoding="utf-8")  # same size, maybe within the same mtime
    assert read_csv(path, ["a", "b"])["a"].tolist() == ["2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbfa,b\n1,2\n", "byte-order mark"),
        (b"a,c\n1,2\n", "header must be a,b"),
        (b"a,b\n1,2,3\n", "line 2: 3 cells, expected 2"),
        (b"a,b\n\xff,2\n", "not UTF-8"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_csv(path, ["a", "b"])
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="cannot read"):
        read_csv(tmp_path / "missing.csv", ["a", "b"])


def test_word_lists_are_stripped_without_blank_and_comment_lines(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# header\n\n的\r\n  了  \n#了\n[a]\n", encoding="utf-8")
    assert read_lines(path) == ["的", "了", "[a]"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "cannot read words.txt"),
        (b"\xef\xbb\xbf\xe7\x9a\x84\n", "words.txt: starts with a byte-order mark"),
        (b"\xff\n", "words.txt: not UTF-8 \\(byte 0\\)"),
    ],
)
def test_bad_word_lists_fail_in_one_line(tmp_path: Path, data: bytes | None, message: str) -> None:
    path = tmp_path / "words.txt"
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_lines(path)
    assert "\n" not in str(info.value)
