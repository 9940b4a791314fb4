"""Many transcripts in one call: inputs, parallel runs, source columns, bad files, --no-turns."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths
from online_economy.cli import expand_inputs, run_parse
from online_economy.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = ["brackets_inline.txt", "label_alone.txt", "live_text.txt", "traditional.txt"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "prose.txt").write_text("这是一段没有问答的文字，增长3.5%。\n", encoding="utf-8")
    (folder / "notes.md").write_text("不是 txt\n", encoding="utf-8")
    return folder


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False)


def test_expand_inputs_folders_globs_and_order(corpus: Path) -> None:
    names = [Path(p).name for p in expand_inputs([str(corpus)])]
    assert names == sorted([*GOOD, "prose.txt"])
    pattern = str(corpus / "l*.txt")
    assert [Path(p).name for p in expand_inputs([pattern])] == ["label_alone.txt", "live_text.txt"]
    given = [str(corpus / "traditional.txt"), str(corpus), str(corpus / "missing.txt")]
    expanded = expand_inputs(given)
    assert expanded[0] == given[0] and expanded[-1] == given[-1]
    assert len(expanded) == len(set(expanded)) == 6
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(corpus / "*.doc")])
    empty = corpus / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no \.txt files"):
        expand_inputs([str(empty)])


def test_corpus_run_is_stable_tagged_and_goes_on_after_a_bad_file(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        assert run_parse([str(corpus)], None, out, jobs=jobs) == 2
        captured = capsys.readouterr()
        errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
        assert errors[0].startswith(f"error: {corpus / 'prose.txt'}: no question/answer turns")
        assert errors[1] == "error: 1 of 5 files failed (the others were written)"
        assert "5/5 files" in captured.err  # the progress bar
        assert "4 files parsed (1 failed)" in captured.out
        outs[jobs] = out
    for name in ("turns.csv", "quantities.csv", "warnings.csv"):
        assert (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name
    turns, quantities = read(outs[2] / "turns.csv"), read(outs[2] / "quantities.csv")
    assert list(turns.columns[-2:]) == list(quantities.columns[-2:]) == ["source", "source_sha256"]
    assert list(dict.fromkeys(turns["source"])) == [str(corpus / n) for n in sorted(GOOD)]
    for source, sha in set(zip(turns["source"], turns["source_sha256"], strict=True)):
        assert hashlib.sha256(Path(source).read_bytes()).hexdigest() == sha
    for row in quantities.itertuples():
        text = Path(row.source).read_bytes().decode("utf-8")
        assert text[row.start:row.end] == row.surface


def test_a_corpus_run_reports_progress_every_few_seconds(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from online_economy import cli

    files = [str(corpus / name) for name in GOOD[:3]]
    assert run_parse(files, None, tmp_path / "slow", jobs=1) == 0
    assert [line.split(",")[0] for line in capsys.readouterr().err.splitlines()] == ["3/3 files"]
    monkeypatch.setattr(cli, "PROGRESS_SECONDS", 0.0)  # as if each file took that long
    assert run_parse(files, None, tmp_path / "fast", jobs=1) == 0
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == ["1/3 files", "2/3 files", "3/3 files"]
    assert all(re.fullmatch(r"\d/3 files, \d+\.\d s", line) for line in lines)


def test_every_file_bad_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = [tmp_path / "a.txt", tmp_path / "b.txt"]
    bad[0].write_bytes(b"")
    bad[1].write_text("没有问答。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_parse([str(p) for p in bad], None, out) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith("error: ")][-1] == (
        "error: all 2 files failed; nothing written"
    )
    assert not out.exists()


def test_no_turns_reads_the_quantities_of_the_whole_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prose = tmp_path / "prose.txt"
    prose.write_text("标题\n这是一段没有问答的文字，增长3.5%，共有12家企业。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_parse([str(prose)], None, out) == 2
    assert "--no-turns" in capsys.readouterr().err
    assert run_parse([str(prose)], None, out, no_turns=True) == 0
    assert "--no-turns" in capsys.readouterr().out
    turns, quantities = read(out / "turns.csv"), read(out / "quantities.csv")
    assert turns["role"].tolist() == ["text"]
    assert quantities["surface"].tolist() == ["3.5%", "12家"]
    assert set(quantities["role"]) == {"text"}


def test_suspect_labels_are_warned_on_stderr_and_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run_parse([str(FIXTURES / "suspect.txt")], None, out) == 0
    warnings = read(out / "warnings.csv")
    assert warnings[["line", "label"]].values.tolist() == [[5, "乌兰："]]
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"warning: {FIXTURES / 'suspect.txt'}:5: '乌兰：' looks like a speaker label but is not "
        "one the parser knows; kept as a turn of role 'unknown'"
    ]


def test_command_line_takes_several_files_and_a_glob(tmp_path: Path, corpus: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "online_economy", "parse", str(paths.TRANSCRIPT),
         str(corpus / "t*.txt"), "--jobs", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("2 files parsed, ")
    sources = list(dict.fromkeys(read(out / "turns.csv")["source"]))
    assert sources == [str(paths.TRANSCRIPT), str(corpus / "traditional.txt")]
