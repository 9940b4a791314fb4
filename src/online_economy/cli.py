"""Command line: ``python -m online_economy parse PATH [--encoding ENC] --out DIR``."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .errors import InputError
from .publish import Interrupted, check_folder, interrupts, os_error_line, write_files
from .source import DEFAULT_MAX_BYTES

PROGRESS_BYTES = 1_000_000  # inputs this large (a few seconds of work) report progress
HEARTBEAT = 5.0  # seconds between "still working" lines

T = TypeVar("T")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2 (every command)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def _byte_count(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of bytes: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m online_economy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    parse = commands.add_parser(
        "parse", help="split a press-conference transcript into turns and quantities"
    )
    parse.add_argument("path", type=Path, help="the transcript (UTF-8, UTF-8 with BOM or GB18030)")
    parse.add_argument("--encoding", help="name the encoding instead of detecting it")
    parse.add_argument("--out", required=True, help="folder for the CSV files")
    parse.add_argument(
        "--max-bytes", type=_byte_count, default=DEFAULT_MAX_BYTES,
        help=f"refuse larger inputs (default {DEFAULT_MAX_BYTES:,})",
    )
    return parser


class Progress:
    """Stage lines on stderr for big inputs, and a "still working" line every few seconds."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label, self.enabled = label, enabled
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
              file=sys.stderr, flush=True)


def _staged(progress: Progress, what: str, work: Callable[[], T]) -> T:
    with progress.stage(what):
        return work()


def parse_command(
    path: Path, encoding: str | None, out: Path | str, max_bytes: int = DEFAULT_MAX_BYTES
) -> str:
    """Parse ``path``, write ``out/turns.csv`` and ``out/quantities.csv``; return the summary line.

    Everything is computed before anything is written; the two files are then written
    to a staging folder beside ``out`` and published together (:mod:`online_economy.publish`),
    so bad input, a full disk or a signal never leaves partial files or a mixed pair.
    """
    from .parse import parse_transcript
    from .source import read_transcript
    from .tables import quantities_table, write_csv

    out = check_folder(out, "--out")
    transcript = read_transcript(path, encoding, max_bytes)  # refuses non-files, big files
    progress = Progress(str(path), len(transcript.text) * 3 >= PROGRESS_BYTES)
    try:
        parsed = _staged(progress, "finding turns", lambda: parse_transcript(transcript.text))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    turns = parsed.turns_frame()
    quantities = _staged(progress, "extracting quantities", lambda: quantities_table(parsed))
    names = ("turns.csv", "quantities.csv")
    with progress.stage("writing"):
        write_files(
            out,
            {
                names[0]: lambda p: write_csv(turns, p),
                names[1]: lambda p: write_csv(quantities, p),
            },
            inputs=[path],
            option="--out",
        )
    roles = turns["role"].value_counts()
    return (
        f"{path}: {transcript.encoding}, {_n(len(transcript.text), 'character')}, "
        f"{_n(len(turns), 'turn')} ({_n(roles.get('question', 0), 'question')}, "
        f"{_n(roles.get('answer', 0), 'answer')}), {_n(len(quantities), 'quantity', 'quantities')}"
        f" -> {out / names[0]}, {out / names[1]}"
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    """``1 question``, ``2 questions``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def run_command(work: Callable[[], int]) -> int:
    """Run ``work`` the way every command does: signals and errors become one line.

    ``error: ...`` and status 2 for bad input or an unusable file; ``interrupted`` and
    status 130 (Ctrl-C) or 143 (SIGTERM); staging files are removed on the way out.
    """
    try:
        with interrupts():
            return work()
    except Interrupted as exc:
        print("interrupted", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory", file=sys.stderr)
        return 2
    except OSError as exc:
        print(os_error_line(exc), file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def work() -> int:
        print(parse_command(args.path, args.encoding, args.out, args.max_bytes))
        return 0

    return run_command(work)
