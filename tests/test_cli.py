"""The command line: outputs, summary line, and one-line errors with exit status 2."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from online_economy import paths
from online_economy.cli import main

SMALL = (
    "发布会实录\n\n1、新华社记者：上海有多少家互联网医院？\n\n"
    "刘平：首批11家互联网医院，接诊1.4万人次。\n"
)


def spawn(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m online_economy ARGS`` in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "online_economy", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """What ``python -m online_economy ARGS`` does, in this process (the module only calls
    ``cli.main``, then exits with its status): the status, stdout and stderr, as a subprocess
    gives them. A new interpreter costs about a second; ``spawn`` is kept for what needs one
    (the module as such, signals, worker processes, a process-wide umask)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exc:  # a usage mistake: argparse exits
            status = exc.code
    return subprocess.CompletedProcess(["online_economy", *args], status, out.getvalue(),
                                       err.getvalue())


def small_source(folder: Path) -> Path:
    """``folder/one.txt`` holding the small transcript ``SMALL``."""
    source = folder / "one.txt"
    source.write_text(SMALL, encoding="utf-8")
    return source


def test_parse_writes_both_tables_and_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = spawn("parse", str(paths.TRANSCRIPT), "--out", str(out))
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
        "folder": [str(tmp_path / "no-texts")],
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
    (tmp_path / "no-texts").mkdir()  # a folder is a corpus: one without .txt files is refused
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
    source = small_source(tmp_path)
    assert main(["parse", str(source), "--out", str(tmp_path / "out")]) == 0
    line = capsys.readouterr().out.strip()
    assert "2 turns (1 question, 1 answer), 2 quantities" in line


# --- reliability: staging, concurrency, input as output, modes, inputs, signals, messages ---

OTHER = SMALL.replace("11家", "22家").replace("1.4万人次", "3.3万人次").replace("上海", "浦东")


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_failed_write_leaves_no_staging_files_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    from online_economy import tables

    source = small_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "turns.csv").write_text("old turns", encoding="utf-8")
    real = tables.write_csv

    def full_disk(frame, path: Path) -> Path:
        if path.name == "quantities.csv":  # turns.csv is written, then the disk is full
            path.write_bytes(b"partial")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(frame, path)

    monkeypatch.setattr(tables, "write_csv", full_disk)
    for _ in range(3):  # retries leave nothing behind either
        assert main(["parse", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"error: cannot write {out / 'quantities.csv'}: No space left on device"
    assert sorted(p.name for p in out.iterdir()) == ["turns.csv"]
    assert (out / "turns.csv").read_text(encoding="utf-8") == "old turns"
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_sigterm_while_writing_removes_staging_and_exits_143(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import signal

    from online_economy import tables

    source = small_source(tmp_path)
    out = tmp_path / "out"
    real = tables.write_csv

    def killed(frame, path: Path) -> Path:
        real(frame, path)
        os.kill(os.getpid(), signal.SIGTERM)  # a real signal, in the middle of the writing
        return path

    monkeypatch.setattr(tables, "write_csv", killed)
    before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]
    assert main(["parse", str(source), "--out", str(out)]) == 143
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == before  # restored
    assert capsys.readouterr().err == "interrupted\n"
    assert not out.exists()  # made for this run, removed with the staging files


def _big_input(tmp_path: Path) -> Path:
    text = paths.TRANSCRIPT.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(text * 120, encoding="utf-8")  # 1.7 MB: several seconds of work
    return big


@pytest.mark.parametrize(("signum", "status"), [(2, 130), (15, 143), (1, 129)])
def test_ctrl_c_and_sigterm_are_one_line_and_write_nothing(
    tmp_path: Path, signum: int, status: int
) -> None:
    import time

    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "online_economy", "parse", str(_big_input(tmp_path)),
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:  # wait for the first progress
        if proc.stderr is not None:
            first = proc.stderr.readline()
            if "finding turns" in first or "extracting" in first:
                break
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert stderr.splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists() or list(out.iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_big_input_shows_progress_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from online_economy import cli

    source = small_source(tmp_path)
    monkeypatch.setattr(cli, "PROGRESS_BYTES", 1)
    assert main(["parse", str(source), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1].rsplit(" (", 1)[0] for line in err] == [
        "finding turns ...", "extracting quantities ...", "writing ...",
    ]
    assert all(line.startswith(f"{source}: ") and line.endswith(" s)") for line in err)


def _consistent(out: Path) -> bool:
    """Whether turns.csv and quantities.csv in ``out`` come from the same input."""
    turns = pd.read_csv(out / "turns.csv", encoding="utf-8-sig")
    quantities = pd.read_csv(out / "quantities.csv", encoding="utf-8-sig")
    text = SMALL if "上海" in turns["text"].iat[0] else OTHER
    return all(text[row.start:row.end] == row.surface for row in quantities.itertuples())


# Ten writers, each its own process (its own lock and staging folder) as ten runs of
# ``python -m online_economy parse`` are, forked by one interpreter that has loaded the command
# (ten interpreters would take a second each to start, and start one after another).
WRITERS = """
import contextlib, io, os, sys
from online_economy.cli import main
out, sources = sys.argv[1], sys.argv[2:]
with contextlib.redirect_stdout(io.StringIO()):  # loads what a parse loads
    assert main(["parse", sources[0], "--out", out + ".warm-up"]) == 0
pids = []
for i in range(10):
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            status = main(["parse", sources[i % 2], "--out", out])
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    pids.append(pid)
print(*(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids))
"""


def test_ten_concurrent_writers_leave_a_consistent_pair(tmp_path: Path) -> None:
    import fcntl
    import os
    import signal
    import threading

    sources = []
    for i, text in enumerate((SMALL, OTHER)):
        sources.append(tmp_path / f"in{i}.txt")
        sources[-1].write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    seen: list[bool] = []
    stop = threading.Event()

    def reader() -> None:  # reads the pair under the writers' lock while they run
        while not stop.wait(0.02):
            fd = os.open(out, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
                if (out / "quantities.csv").exists():
                    try:
                        seen.append(_consistent(out))
                    except Exception:  # a half-written or mismatched file is a failure too
                        seen.append(False)
            finally:
                os.close(fd)

    watcher = threading.Thread(target=reader, daemon=True)
    watcher.start()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITERS, str(out), *map(str, sources)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        statuses, err = proc.communicate(timeout=180)
        assert (proc.returncode, statuses.split()) == (0, ["0"] * 10), err
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        stop.set()
        watcher.join(timeout=30)
    assert _consistent(out)
    assert all(seen), f"{seen.count(False)} of {len(seen)} reads saw a mixed pair"
    assert sorted(p.name for p in out.iterdir()) == ["quantities.csv", "turns.csv", "warnings.csv"]


@pytest.mark.parametrize("how", ["same path", "other spelling", "symbolic link", "hard link"])
def test_the_input_is_never_an_output(tmp_path: Path, how: str) -> None:
    out = tmp_path / "d"
    out.mkdir()
    original = out / "turns.csv"
    original.write_text(SMALL, encoding="utf-8")
    given = {
        "same path": original,
        "other spelling": tmp_path / "d" / ".." / "d" / "turns.csv",
        "symbolic link": tmp_path / "link.txt",
        "hard link": tmp_path / "hard.txt",
    }[how]
    if how == "symbolic link":
        given.symlink_to(original)
    if how == "hard link":
        given.hardlink_to(original)
    result = run("parse", str(given), "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {out / 'turns.csv'} is the input ")
    assert result.stderr.count("\n") == 1
    assert original.read_text(encoding="utf-8") == SMALL
    assert sorted(p.name for p in out.iterdir()) == ["turns.csv"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_output_modes_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    import os

    source = small_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "turns.csv").write_text("old", encoding="utf-8")
    (out / "turns.csv").chmod(0o640)
    before = os.umask(umask)  # the process's umask, as the shell would set it for the command
    try:
        result = run("parse", str(source), "--out", str(out))
    finally:
        os.umask(before)
    assert result.returncode == 0, result.stderr
    for name in ("turns.csv", "quantities.csv"):
        assert (out / name).stat().st_mode & 0o777 == mode


@contextlib.contextmanager
def _within(seconds: float) -> Iterator[None]:
    """The block fails, instead of hanging, if it is not done within ``seconds``."""
    import signal

    def late(signum: int, frame: object) -> None:
        pytest.fail(f"not done within {seconds} s")

    old = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_inputs_that_are_not_regular_files_are_refused_at_once(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(2_000_000_000)
    cases = {
        str(fifo): f"error: {fifo}: is a named pipe (FIFO), not a regular file",
        "/dev/zero": "error: /dev/zero: is a device, not a regular file",
        str(big): f"error: {big}: is 2000.0 MB, more than the limit of 20.0 MB "
                  "(raise it with --max-bytes)",
    }
    for path, message in cases.items():
        with _within(30):  # reading the pipe or the device would block or never end
            result = run("parse", path, "--out", str(tmp_path / "o"))
        assert (result.returncode, result.stderr) == (2, message + "\n")
    assert not (tmp_path / "o").exists()


def test_max_bytes_raises_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = small_source(tmp_path)
    size = source.stat().st_size
    assert main(["parse", str(source), "--out", str(tmp_path / "o"), "--max-bytes", "10"]) == 2
    assert "more than the limit of 10 bytes" in capsys.readouterr().err
    assert main(["parse", str(source), "--out", str(tmp_path / "o"),
                 "--max-bytes", str(size)]) == 0


def test_messages_name_the_right_thing(tmp_path: Path) -> None:
    source = small_source(tmp_path)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    utf32 = tmp_path / "u32.txt"
    utf32.write_bytes(SMALL.encode("utf-32"))
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes(SMALL.encode("utf-16"))
    out = str(tmp_path / "out")
    cases = {
        (str(loop), "--out", out): f"error: {loop}: is a loop of symbolic links",
        (str(source), "--out", str(dangling)):
            f"error: --out {dangling} is a symbolic link to {tmp_path / 'nowhere'}, "
            "which does not exist",
        (str(source), "--out", ""): "error: --out is empty; name a folder",
        (str(source), "--out", out, "--encoding", ""):
            f"error: {source}: the encoding is empty; name one, e.g. --encoding gb18030",
        (str(utf32), "--out", out):
            f"error: {utf32}: is UTF-32 text; save it as UTF-8 or name it with --encoding utf-32",
        (str(utf16), "--out", out):
            f"error: {utf16}: is UTF-16 text; save it as UTF-8 or name it with --encoding utf-16",
    }
    for args, message in cases.items():
        result = run("parse", *args)
        assert (result.returncode, result.stderr) == (2, message + "\n"), args
    assert not (tmp_path / "out").exists()
    assert run("parse", str(utf16), "--out", out, "--encoding", "utf-16").returncode == 0


def test_unwritable_folder_is_named_not_the_staging_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import tempfile

    source = small_source(tmp_path)
    out = tmp_path / "out"
    out.mkdir()

    def denied(prefix: str, dir: str) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/{prefix}abc123")

    monkeypatch.setattr(tempfile, "mkdtemp", denied)
    assert main(["parse", str(source), "--out", str(out)]) == 2
    message = f"error: cannot write to the folder {out}: Permission denied\n"
    assert capsys.readouterr().err == message


@pytest.mark.parametrize(("signame", "times", "status"),
                         [("SIGINT", 2, 130), ("SIGTERM", 1, 143), ("SIGHUP", 1, 129)])
def test_signals_to_a_corpus_run_stop_it_at_once(
    tmp_path: Path, signame: str, times: int, status: int
) -> None:
    """Signals to the whole process group (a double Ctrl-C, a closed terminal): the workers say
    nothing, the command one line and its status, no hang."""
    import os
    import signal
    import time

    text = paths.TRANSCRIPT.read_text(encoding="utf-8") * 100
    corpus_dir = tmp_path / "many"
    corpus_dir.mkdir()
    for i in range(6):
        (corpus_dir / f"t{i}.txt").write_text(text, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "online_economy", "parse", str(corpus_dir), "--jobs", "2",
         "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 60  # until its two worker processes are at work
    while len(subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                             text=True).stdout.split()) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.5)
    for _ in range(times):
        os.killpg(proc.pid, getattr(signal, signame))
        time.sleep(0.05)
    try:
        stdout, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"the run did not stop within 30 s of {signame}") from None
    assert (proc.returncode, stdout, stderr) == (status, "", "interrupted\n")
    assert not (tmp_path / "out").exists()


def test_utf16_without_a_mark_gets_the_encoding_hint(tmp_path: Path) -> None:
    source = tmp_path / "u16.txt"
    source.write_bytes(SMALL.encode("utf-16-le"))
    result = run("parse", str(source), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("name it with --encoding utf-16-le")


def test_a_folder_finds_upper_case_txt_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "A.TXT").write_text(SMALL, encoding="utf-8")
    (folder / "b.txt").write_text(SMALL, encoding="utf-8")
    result = spawn("parse", str(folder), "--out", str(tmp_path / "out"))  # two workers
    assert result.returncode == 0, result.stderr
    sources = pd.read_csv(tmp_path / "out" / "turns.csv", encoding="utf-8-sig")["source"]
    assert sorted({Path(s).name for s in sources}) == ["A.TXT", "b.txt"]
