"""The command line: outputs, summary line, and one-line errors with exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths
from online_economy.cli import main

SMALL = (
    "发布会实录\n\n1、新华社记者：上海有多少家互联网医院？\n\n"
    "刘平：首批11家互联网医院，接诊1.4万人次。\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "online_economy", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_parse_writes_both_tables_and_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("parse", str(paths.TRANSCRIPT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "10 turns (5 questions, 5 answers)" in lines[0]
    turns = pd.read_csv(out / "turns.csv", encoding="utf-8-sig")
    quantities = pd.read_csv(out / "quantities.csv", encoding="utf-8-sig", keep_default_na=False)
    assert turns["role"].tolist() == ["question", "answer"] * 5
    needed = {"surface", "value", "unit", "qualifier", "start", "end", "turn", "sentence", "domain"}
    assert needed <= set(quantities.columns)
    assert f"{len(quantities)} quantities" in lines[0]
    assert (out / "turns.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_gb18030_with_named_and_detected_encoding(tmp_path: Path) -> None:
    source = tmp_path / "gb.txt"
    source.write_bytes(SMALL.encode("gb18030"))
    for extra in ([], ["--encoding", "gb18030"]):
        out = tmp_path / f"out{len(extra)}"
        assert main(["parse", str(source), "--out", str(out), *extra]) == 0
        frame = pd.read_csv(out / "quantities.csv", encoding="utf-8-sig", keep_default_na=False)
        assert frame["surface"].tolist() == ["11家", "1.4万人次"]
        assert frame["value"].tolist() == [11.0, 14000.0]


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    undecodable = tmp_path / "bad.txt"
    undecodable.write_bytes("刘平：你好".encode("utf-16-le"))
    prose = tmp_path / "prose.txt"
    prose.write_text("这是一段没有问答的文字。\n", encoding="utf-8")
    return {
        "missing": [str(tmp_path / "missing.txt")],
        "folder": [str(tmp_path)],
        "empty": [str(empty)],
        "binary": [str(binary)],
        "undecodable": [str(undecodable), "--encoding", "utf-8"],
        "unknown encoding": [str(prose), "--encoding", "no-such-codec"],
        "no turns": [str(prose)],
    }


@pytest.mark.parametrize(
    "case",
    ["missing", "folder", "empty", "binary", "undecodable", "unknown encoding", "no turns"],
)
def test_bad_input_is_one_error_line_exit_2_and_no_files(tmp_path: Path, case: str) -> None:
    args = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    result = run("parse", args[0], *args[1:], "--out", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_existing_out_folder_keeps_no_partial_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    prose = tmp_path / "prose.txt"
    prose.write_text("没有问答。\n", encoding="utf-8")
    assert main(["parse", str(prose), "--out", str(out)]) == 2
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("argv", [[], ["parse"], ["parse", "x.txt"], ["frobnicate"]])
def test_usage_mistakes_are_one_line(argv: list[str]) -> None:
    result = run(*argv)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_summary_line_counts_in_words(tmp_path: Path, capsys) -> None:
    source = tmp_path / "one.txt"
    source.write_text(SMALL, encoding="utf-8")
    assert main(["parse", str(source), "--out", str(tmp_path / "out")]) == 0
    line = capsys.readouterr().out.strip()
    assert "2 turns (1 question, 1 answer), 2 quantities" in line
