"""Command line: ``python -m online_economy parse PATH... [--no-turns] --out DIR``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .errors import InputError
from .publish import Interrupted, interrupts, os_error_line
from .source import DEFAULT_MAX_BYTES


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
    parse.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="transcripts (UTF-8, UTF-8 with BOM or GB18030): files, folders of .txt files, "
             "or glob patterns; several are parsed in parallel into one set of tables",
    )
    parse.add_argument("--encoding", help="name the encoding instead of detecting it")
    parse.add_argument("--out", required=True, help="folder for the CSV files")
    parse.add_argument(
        "--max-bytes", type=_byte_count, default=DEFAULT_MAX_BYTES,
        help=f"refuse larger inputs (default {DEFAULT_MAX_BYTES:,})",
    )
    parse.add_argument(
        "--no-turns", action="store_true",
        help="do not look for speakers: read the quantities of the whole text",
    )
    parse.add_argument("--jobs", type=int, help="processes to use (default: the cores)")
    return parser


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
        from .corpus import run_parse

        if args.jobs is not None and args.jobs < 1:
            raise InputError("--jobs must be at least 1")
        return run_parse(args.paths, args.encoding, args.out, no_turns=args.no_turns,
                         jobs=args.jobs, max_bytes=args.max_bytes)

    return run_command(work)
