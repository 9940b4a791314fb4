"""Command line: ``python -m online_economy parse PATH... [--encoding ENC] --out DIR``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .errors import InputError


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one ``error:`` line and exit status 2 (every command)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m online_economy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    parse = commands.add_parser(
        "parse", help="split a press-conference transcript into turns and quantities"
    )
    parse.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="transcripts (UTF-8, UTF-8 with BOM or GB18030): files, folders of .txt files, "
             "or glob patterns; several are parsed in parallel into one set of tables",
    )
    parse.add_argument("--encoding", help="name the encoding instead of detecting it")
    parse.add_argument(
        "--no-turns", action="store_true",
        help="do not look for speakers: read the quantities of the whole text",
    )
    parse.add_argument("--jobs", type=int, help="processes to use (default: the cores)")
    parse.add_argument(
        "--out", type=Path, required=True, help="folder for the CSV files"
    )
    return parser


def parse_command(path: Path, encoding: str | None, out: Path) -> str:
    """Parse ``path``, write ``out/turns.csv`` and ``out/quantities.csv``; return the summary line.

    Everything is computed before anything is written, and each file is written to a
    temporary name and renamed, so bad input never leaves partial files behind.
    """
    from .parse import parse_transcript
    from .source import read_transcript
    from .tables import quantities_table, write_csv

    transcript = read_transcript(path, encoding=encoding)
    try:
        parsed = parse_transcript(transcript.text)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    turns = parsed.turns_frame()
    quantities = quantities_table(parsed)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name, frame in (("turns.csv", turns), ("quantities.csv", quantities)):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            os.close(fd)
            written.append((write_csv(frame, Path(tmp)), out / name))
        for tmp, final in written:
            os.replace(tmp, final)
    finally:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
    roles = turns["role"].value_counts()
    return (
        f"{path}: {transcript.encoding}, {_n(len(transcript.text), 'character')}, "
        f"{_n(len(turns), 'turn')} ({_n(roles.get('question', 0), 'question')}, "
        f"{_n(roles.get('answer', 0), 'answer')}), {_n(len(quantities), 'quantity', 'quantities')}"
        f" -> {out}/turns.csv, {out}/quantities.csv"
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    """``1 question``, ``2 questions``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "parse":
            from .corpus import run_parse

            if args.jobs is not None and args.jobs < 1:
                raise InputError("--jobs must be at least 1")
            return run_parse(args.paths, args.encoding, args.out, no_turns=args.no_turns,
                             jobs=args.jobs)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    return 0
