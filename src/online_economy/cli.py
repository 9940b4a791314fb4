"""Command line: ``python -m online_economy parse FILE|DIR|GLOB... [--no-turns] --out DIR``.

Files are parsed in parallel into ``turns.csv``, ``quantities.csv`` and ``warnings.csv``
(suspect speaker labels), in the order of the inputs, every row with its ``source`` and
``source_sha256``. A bad file is one ``error:`` line and the others go on (exit status 2).
"""

import argparse
import glob
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TextIO

from online_economy.errors import InputError
from online_economy.publish import check_folder, interrupts, os_error_line, write_files
from online_economy.source import DEFAULT_MAX_BYTES, read_transcript

TABLES = ("turns.csv", "quantities.csv", "warnings.csv")
WARNING_COLUMNS = ["line", "start", "end", "label", "message"]
PROGRESS_BYTES = 1_000_000  # an input this large (a few seconds of work) reports its stages
PROGRESS_SECONDS = 3.0  # a corpus run reports how many files are done this often


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2 (every command)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def run_command(work: Callable[[], int]) -> int:
    """Run ``work`` as every command does: ``error: ...`` and status 2 for bad input or an
    unusable file; ``interrupted`` and 130 (Ctrl-C) or 143 (SIGTERM), staging files removed."""
    try:
        with interrupts():
            return work()
    except KeyboardInterrupt as exc:  # publish.Interrupted too, with its signal's status
        print("interrupted", file=sys.stderr)
        return getattr(exc, "exit_status", 130)
    except (InputError, MemoryError) as exc:
        print(f"error: {exc}" if isinstance(exc, InputError) else "error: out of memory",
              file=sys.stderr)
        return 2
    except OSError as exc:
        print(os_error_line(exc), file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """``python -m online_economy parse ...``: the exit status."""
    parser = OneLineParser(prog="python -m online_economy", description=__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    parse = commands.add_parser("parse", help="split transcripts into turns and quantities")
    parse.add_argument("paths", nargs="+", metavar="PATH",
                       help="transcripts (UTF-8, UTF-8 with BOM or GB18030): files, folders "
                            "of .txt files or glob patterns")
    parse.add_argument("--encoding", help="name the encoding instead of detecting it")
    parse.add_argument("--out", required=True, help="folder for the CSV files")
    parse.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                       help=f"refuse larger inputs (default {DEFAULT_MAX_BYTES:,})")
    parse.add_argument("--no-turns", action="store_true",
                       help="do not look for speakers: read the quantities of the whole text")
    parse.add_argument("--jobs", type=int, help="processes to use (default: the cores)")
    args = parser.parse_args(argv)
    for option, value in (("--max-bytes", args.max_bytes), ("--jobs", args.jobs)):
        if value is not None and value < 1:
            parser.error(f"argument {option}: must be at least 1, not {value}")
    return run_command(lambda: run_parse(args.paths, args.encoding, args.out, jobs=args.jobs,
                                         no_turns=args.no_turns, max_bytes=args.max_bytes))


@dataclass
class FileResult:
    """One input's tables (as columns: they pickle small and fast) and warnings, or its error."""

    source: str
    encoding: str = ""
    n_chars: int = 0
    tables: dict[str, dict[str, list]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    start: float = field(default_factory=time.monotonic)

    def stage(self, what: str, shown: bool = True) -> None:
        """``source: what ... (N s)`` on stderr (N s since the start) if ``shown`` and big."""
        if shown and self.n_chars * 3 >= PROGRESS_BYTES:
            elapsed = time.monotonic() - self.start
            print(f"{self.source}: {what} ... ({elapsed:.0f} s)", file=sys.stderr, flush=True)


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Files from paths, folders (their ``*.txt`` files, sorted) and glob patterns, in order."""
    out: dict[str, None] = {}  # ordered, without repeats
    for item in inputs:
        path, found = Path(item), [item]
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.suffix.lower() == ".txt"
                           and p.is_file())
            why = "a folder with no .txt files"
        elif not path.exists() and set("*?[") & set(item):
            found = sorted(p for p in glob.glob(item) if Path(p).is_file())
            why = "no file matches this pattern"
        if not found:
            raise InputError(f"{item}: {why}")
        out.update(dict.fromkeys(found))
    return list(out)


def parse_one(source: str, encoding: str | None, no_turns: bool,
              max_bytes: int = DEFAULT_MAX_BYTES, stages: bool = False) -> FileResult:
    """Parse one file; never raises for bad input. With ``stages``, a big input reports them."""
    import pandas as pd

    from online_economy.parse import parse_transcript, whole_text
    from online_economy.tables import quantities_table

    result = FileResult(source)
    try:
        transcript = read_transcript(source, encoding, max_bytes)  # refuses non-files, big ones
        result.encoding, result.n_chars = transcript.encoding, len(transcript.text)
        result.stage("finding turns", stages)
        try:
            parsed = (whole_text if no_turns else parse_transcript)(transcript.text)
        except InputError as exc:
            raise InputError(f"{source}: {exc} (--no-turns reads its quantities)") from None
        result.stage("extracting quantities", stages)
        frames = (parsed.turns_frame(), quantities_table(parsed),
                  pd.DataFrame([asdict(w) for w in parsed.warnings], columns=WARNING_COLUMNS))
        result.messages = [f"warning: {source}:{w.line}: {w.label!r} {w.message}"
                           for w in parsed.warnings]
        result.tables = {name: frame.assign(source=source, source_sha256=transcript.sha256)
                         .to_dict("list") for name, frame in zip(TABLES, frames, strict=True)}
    except InputError as exc:
        result.messages = [f"error: {exc}"]
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError) as exc:
        # a fault of the parser on this text: reported as this file's error, the rest go on
        result.messages = [f"error: {source}: could not be parsed ({type(exc).__name__}: {exc})"]
    return result


def _worker_start() -> None:
    """In a worker: the parent alone answers Ctrl-C, SIGTERM and SIGHUP (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def parse_all(sources: Sequence[str], encoding: str | None, no_turns: bool,
              jobs: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[FileResult]:
    """Results in the order of ``sources``, in ``jobs`` processes (default: the cores)."""
    work = partial(parse_one, encoding=encoding, no_turns=no_turns, max_bytes=max_bytes)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = min(jobs or cores or 1, len(sources))
    if jobs <= 1:  # here (a single file reports its stages if it is big)
        yield from (work(source, stages=len(sources) == 1) for source in sources)
    else:  # leaving the block (done, an error or Ctrl-C) ends the workers at once
        with multiprocessing.Pool(jobs, initializer=_worker_start) as pool:
            chunk = max(1, min(16, len(sources) // (jobs * 8)))
            yield from pool.imap(work, sources, chunksize=chunk)


def progress(results: Iterable[FileResult], total: int, stream: TextIO) -> Iterator[FileResult]:
    """``done/total files, N s`` on ``stream``: every few seconds, and when all are done."""
    start = last = time.monotonic()
    for done, result in enumerate(results, 1):
        yield result
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_SECONDS:
            last = now
            print(f"{done}/{total} files, {now - start:.1f} s", file=stream, flush=True)


def _n(count: int, one: str, many: str = "") -> str:
    """``1 question``, ``2 questions``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def run_parse(inputs: Sequence[str], encoding: str | None, out: Path | str, *,
              no_turns: bool = False, jobs: int | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The ``parse`` command: parse, report, write all-or-nothing; the exit status (0 or 2)."""
    import pandas as pd

    from online_economy.tables import write_csv

    out = check_folder(out, "--out")
    sources = expand_inputs(inputs)
    parsed = parse_all(sources, encoding, no_turns, jobs, max_bytes)
    results = list(progress(parsed, len(sources), sys.stderr) if len(sources) > 1 else parsed)
    sys.stderr.writelines(f"{line}\n" for r in results for line in r.messages)
    good = [r for r in results if r.tables]
    failed = len(results) - len(good)
    if not good:
        if failed > 1:
            print(f"error: all {failed} files failed; nothing written", file=sys.stderr)
        return 2
    tables = {name: pd.DataFrame({column: [v for r in good for v in r.tables[name][column]]
                                  for column in good[0].tables[name]}) for name in TABLES}
    results[0].stage("writing", shown=len(results) == 1)
    write_files(out, {name: partial(write_csv, frame) for name, frame in tables.items()},
                inputs=[Path(s) for s in sources], option="--out")
    roles = Counter(tables["turns.csv"]["role"])
    n_q = _n(len(tables["quantities.csv"]), "quantity", "quantities")
    if no_turns:
        what = (f"{n_q} read in the whole text "
                "(--no-turns: speakers not looked for; each text is one turn of role 'text')")
    else:
        what = (f"{_n(roles.total(), 'turn')} ({_n(roles['question'], 'question')}, "
                f"{_n(roles['answer'], 'answer')}), {n_q}")
    chars = _n(sum(r.n_chars for r in good), "character")
    head = (f"{good[0].source}: {good[0].encoding}, {chars}" if len(results) == 1 else
            f"{_n(len(good), 'file')} parsed{f' ({failed} failed)' if failed else ''}, {chars}")
    n_w = len(tables["warnings.csv"])
    tail = f"; {_n(n_w, 'suspect label')} -> {out / 'warnings.csv'}" if n_w else ""
    print(f"{head}, {what} -> {out / 'turns.csv'}, {out / 'quantities.csv'}{tail}")
    if failed:
        print(f"error: {failed} of {len(results)} files failed (the others were written)",
              file=sys.stderr)
    return 2 if failed else 0
