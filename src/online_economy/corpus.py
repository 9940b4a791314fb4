"""Many transcripts in one call: ``python -m online_economy parse FILE... --out DIR``.

Inputs are files, folders (their ``*.txt`` files, sorted by name) or glob patterns
(``'data/*.txt'``, expanded here when the shell did not). Files are parsed in parallel over
the cores; the tables are joined in the order of the inputs, whatever the parallelism,
and every row carries its ``source`` (the path as given) and ``source_sha256``. A bad file
is reported with one ``error:`` line and the others go on; the exit status is 2 if any
file failed. One file keeps the one-line summary of the single-file command.

Outputs in ``--out``: ``turns.csv``, ``quantities.csv`` and ``warnings.csv`` (suspect
speaker labels: source, line, offsets, label, message). With ``--no-turns`` the speakers
are not looked for: each text is one turn of role ``text`` in ``turns.csv``, and
``quantities.csv`` lists every quantity of the whole text.
"""

from __future__ import annotations

import glob
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pandas as pd

from online_economy.errors import InputError
from online_economy.publish import check_folder, write_files
from online_economy.source import DEFAULT_MAX_BYTES

WARNING_COLUMNS = ["line", "start", "end", "label", "message"]
SOURCE_COLUMNS = ["source", "source_sha256"]
_GLOB_CHARS = frozenset("*?[")


@dataclass
class FileResult:
    """What one input gave: its tables, or the one-line error."""

    source: str
    sha256: str = ""
    encoding: str = ""
    n_chars: int = 0
    turns: dict[str, list] | None = None  # columns, so that results pickle small and fast
    quantities: dict[str, list] | None = None
    warnings: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    error: str = ""


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Files from paths, folders (``*.txt`` inside, sorted) and glob patterns, in order.

    A name that does not exist and is not a pattern is kept, so that it is reported as a
    bad file; a folder without ``.txt`` files or a pattern matching nothing is an error.
    """
    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir()
                           if p.suffix.lower() == ".txt" and p.is_file())
            if not found:
                raise InputError(f"{item}: a folder with no .txt files")
        elif not path.exists() and _GLOB_CHARS & set(item):
            found = sorted(p for p in glob.glob(item) if Path(p).is_file())
            if not found:
                raise InputError(f"{item}: no file matches this pattern")
        else:
            found = [item]
        out.extend(f for f in found if f not in out)
    return out


PROGRESS_BYTES = 1_000_000  # an input this large (a few seconds of work) reports its stages
HEARTBEAT = 5.0  # seconds between "still working" lines


class Stages:
    """Stage lines on stderr for a big input, and a "still working" line every few seconds."""

    def __init__(self, label: str, enabled: bool, stream: TextIO | None = None) -> None:
        self.label, self.enabled, self.stream = label, enabled, stream or sys.stderr
        self.start = time.monotonic()

    @contextmanager
    def stage(self, what: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        self._say(f"{what} ...")
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(HEARTBEAT):
                self._say(f"still {what}")

        thread = threading.Thread(target=beat, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _say(self, message: str) -> None:
        print(f"{self.label}: {message} ({time.monotonic() - self.start:.0f} s)",
              file=self.stream, flush=True)


def parse_one(
    source: str, encoding: str | None, no_turns: bool, max_bytes: int = DEFAULT_MAX_BYTES,
    stages: bool = False,
) -> FileResult:
    """Parse one file; never raises for bad input (the error is in the result).

    With ``stages``, a big input reports each stage on stderr (the single-file command).
    """
    from online_economy.parse import parse_transcript, whole_text
    from online_economy.source import read_transcript
    from online_economy.tables import quantities_table

    result = FileResult(source)
    try:
        transcript = read_transcript(source, encoding, max_bytes)  # refuses non-files, big ones
        result.sha256 = _file_sha256(source)
        result.encoding, result.n_chars = transcript.encoding, len(transcript.text)
        progress = Stages(source, stages and len(transcript.text) * 3 >= PROGRESS_BYTES)
        with progress.stage("finding turns"):
            if no_turns:
                parsed = whole_text(transcript.text)
            else:
                try:
                    parsed = parse_transcript(transcript.text)
                except InputError as exc:
                    raise InputError(
                        f"{source}: {exc} (--no-turns reads its quantities)"
                    ) from None
        with progress.stage("extracting quantities"):
            result.turns = parsed.turns_frame().to_dict("list")
            result.quantities = quantities_table(parsed).to_dict("list")
        result.warnings = [(w.line, w.start, w.end, w.label, w.message) for w in parsed.warnings]
    except InputError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{source}: cannot read ({exc.strerror or exc})"
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError) as exc:
        # a fault of the parser on this text: reported as this file's error, the rest go on
        result.error = f"{source}: could not be parsed ({type(exc).__name__}: {exc})"
    return result


def _file_sha256(source: str) -> str:
    """The sha256 of the file's bytes (read in blocks)."""
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def available_cores() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _parse_star(args: tuple[str, str | None, bool, int]) -> FileResult:
    return parse_one(*args)


def _worker_start() -> None:
    """In a worker: the parent alone answers Ctrl-C and SIGTERM (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def parse_all(
    sources: Sequence[str], encoding: str | None, no_turns: bool, jobs: int,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[FileResult]:
    """Results in the order of ``sources``; in ``jobs`` processes when there are several.

    If the caller stops early (an error, Ctrl-C), the workers are ended at once.
    """
    tasks = [(s, encoding, no_turns, max_bytes) for s in sources]
    if len(tasks) == 1:  # the single-file command: a big input reports its stages
        yield parse_one(*tasks[0], stages=True)
        return
    jobs = min(jobs, len(tasks))
    if jobs <= 1:
        yield from map(_parse_star, tasks)
        return
    chunk = max(1, min(16, len(tasks) // (jobs * 8)))
    pool = multiprocessing.Pool(jobs, initializer=_worker_start)
    try:
        yield from pool.imap(_parse_star, tasks, chunksize=chunk)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


class Progress:
    """A one-line progress bar on a terminal (``\\r`` updates, at most ten a second); on a
    stream that is no terminal (a log file), one line at the end instead."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done, self.last = 0, 0.0
        self.started = time.monotonic()
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.open_line = False

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        finished = self.done == self.total
        if finished or (self.live and now - self.last >= 0.1):
            self.last = now
            filled = self.width * self.done // self.total
            redraw = "\r" if self.live else ""
            self.stream.write(
                f"{redraw}[{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total} files, {now - self.started:.1f} s"
            )
            self.open_line = not finished
            if finished:
                self.stream.write("\n")
            self.stream.flush()

    def close(self) -> None:
        """End a bar left half-drawn (an error or Ctrl-C), so the next line starts clean."""
        if self.open_line:
            self.stream.write("\n")
            self.stream.flush()
            self.open_line = False


def _joined(parts: list[tuple[dict[str, list], FileResult]], columns: list[str]) -> pd.DataFrame:
    """One table from per-file columns, with the source columns at the end."""
    names = list(parts[0][0]) if parts else columns
    joined: dict[str, list] = {name: [] for name in [*names, *SOURCE_COLUMNS]}
    for table, result in parts:
        for name in names:
            joined[name].extend(table[name])
        n = len(table[names[0]]) if names else 0
        joined["source"].extend([result.source] * n)
        joined["source_sha256"].extend([result.sha256] * n)
    return pd.DataFrame(joined, columns=list(joined))


def tables(results: Sequence[FileResult]) -> dict[str, pd.DataFrame]:
    """The output tables of the good results, in input order; numbering kept per file."""
    from online_economy.parse import ParsedTranscript
    from online_economy.tables import QUANTITY_COLUMNS

    good = [r for r in results if not r.error]
    turn_columns = list(ParsedTranscript("", [], [], [], []).turns_frame().columns)
    out = {
        "quantities.csv": _joined(
            [(r.quantities, r) for r in good if r.quantities is not None], QUANTITY_COLUMNS
        ),
        "warnings.csv": pd.DataFrame(
            [(*w, r.source, r.sha256) for r in good for w in r.warnings],
            columns=WARNING_COLUMNS + SOURCE_COLUMNS,
        ),
    }
    turns = _joined([(r.turns, r) for r in good if r.turns is not None], turn_columns)
    return {"turns.csv": turns, **out}


def write_tables(out: Path, frames: dict[str, pd.DataFrame], inputs: Sequence[str]) -> list[Path]:
    """Write every table into ``out`` all-or-nothing (:func:`publish.write_files`)."""
    from online_economy.tables import write_csv

    def writer(frame: pd.DataFrame) -> Callable[[Path], object]:
        return lambda path: write_csv(frame, path)

    return write_files(out, {name: writer(frame) for name, frame in frames.items()},
                       inputs=[Path(s) for s in inputs], option="--out")


def _n(count: int, one: str, many: str | None = None) -> str:
    """``1 question``, ``2 questions``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summary(results: Sequence[FileResult], out: Path, written: list[Path], no_turns: bool) -> str:
    """The one-line summary printed on stdout."""
    good = [r for r in results if not r.error]
    n_q = sum(len(r.quantities["surface"]) for r in good if r.quantities is not None)
    names = {p.name for p in written}
    targets = ", ".join(str(out / n) for n in ("turns.csv", "quantities.csv") if n in names)
    if no_turns:
        what = (f"{_n(n_q, 'quantity', 'quantities')} read in the whole text "
                f"(--no-turns: speakers not looked for; each text is one turn of role 'text')")
    else:
        roles = Counter(role for r in good if r.turns for role in r.turns["role"])
        n_t = sum(roles.values())
        what = (f"{_n(n_t, 'turn')} ({_n(int(roles.get('question', 0)), 'question')}, "
                f"{_n(int(roles.get('answer', 0)), 'answer')}), "
                f"{_n(n_q, 'quantity', 'quantities')}")
    n_chars = sum(r.n_chars for r in good)
    if len(results) == 1:
        head = f"{good[0].source}: {good[0].encoding}, {_n(n_chars, 'character')}"
    else:
        failed = len(results) - len(good)
        head = (f"{_n(len(good), 'file')} parsed" + (f" ({failed} failed)" if failed else "")
                + f", {_n(n_chars, 'character')}")
    n_w = sum(len(r.warnings) for r in good)
    tail = f"; {_n(n_w, 'suspect label')} -> {out / 'warnings.csv'}" if n_w else ""
    return f"{head}, {what} -> {targets}{tail}"


def run_parse(
    inputs: Sequence[str], encoding: str | None, out: Path | str, *, no_turns: bool = False,
    jobs: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES, stderr: TextIO | None = None,
) -> int:
    """The ``parse`` command: parse, report, write; returns the exit status (0 or 2)."""
    err = stderr or sys.stderr
    out = check_folder(out, "--out")
    sources = expand_inputs(inputs)
    jobs = jobs or available_cores()
    progress = Progress(len(sources), err) if len(sources) > 1 else None
    results: list[FileResult] = []
    try:
        for result in parse_all(sources, encoding, no_turns, jobs, max_bytes):
            results.append(result)
            if progress:
                progress.step()
    finally:
        if progress:
            progress.close()
    for result in results:
        if result.error:
            print(f"error: {result.error}", file=err)
        for line, _, _, label, message in result.warnings:
            print(f"warning: {result.source}:{line}: {label!r} {message}", file=err)
    failed = sum(1 for r in results if r.error)
    if failed == len(results):
        if len(results) > 1:
            print(f"error: all {len(results)} files failed; nothing written", file=err)
        return 2
    big = len(results) == 1 and results[0].n_chars * 3 >= PROGRESS_BYTES
    with Stages(results[0].source, big, err).stage("writing"):
        written = write_tables(out, tables(results), sources)
    print(summary(results, out, written, no_turns))
    if failed:
        print(f"error: {failed} of {len(results)} files failed (the others were written)",
              file=err)
        return 2
    return 0
