"""Loading transcripts: bytes -> text, with encoding, BOM and line endings recorded.

Every offset in the project is an index into ``Transcript.text``: the decoded
text with any byte-order mark removed and line endings kept exactly as in the file.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError

DETECTED_ENCODINGS = ("utf-8", "gb18030")
_UTF8_BOM = codecs.BOM_UTF8
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)  # checked first: FF FE 00 00
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DEFAULT_MAX_BYTES = 20_000_000  # about a minute of work; raise it with max_bytes / --max-bytes
_HARMLESS_CONTROLS = frozenset(b"\t\n\r\f\v")
_MAX_CONTROL_SHARE = 0.10


@dataclass(frozen=True)
class Transcript:
    """A decoded transcript; ``newline`` is "LF", "CRLF", "mixed" or "none"."""

    text: str
    encoding: str
    bom: bool
    newline: str
    path: Path | None = None


def newline_style(text: str) -> str:
    """Classify the line endings of ``text`` (a lone CR counts as "mixed")."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf == lf == cr == 0:
        return "none"
    if lf and not crlf and not cr:
        return "LF"
    if crlf and not lf and not cr:
        return "CRLF"
    return "mixed"


def _codec_name(encoding: str) -> str:
    if not encoding.strip():
        raise InputError("the encoding is empty; name one, e.g. --encoding gb18030")
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"unknown encoding {encoding!r}")
    return info.name


def _check_not_binary(data: bytes) -> None:
    if b"\x00" in data and len(data) % 2 == 0:  # UTF-16 without a byte-order mark?
        for label in ("utf-16-le", "utf-16-be"):
            try:
                text = data[:8192].decode(label)
            except UnicodeDecodeError:
                continue
            readable = sum(c.isprintable() or c.isspace() for c in text)
            if readable >= 0.95 * len(text):
                raise InputError(f"looks like {label.upper()} text without a byte-order mark; "
                                 f"save it as UTF-8 or name it with --encoding {label}")
    if b"\x00" in data:
        raise InputError("looks like a binary file, not text (it contains NUL bytes)")
    controls = sum(1 for b in data if (b < 0x20 or b == 0x7F) and b not in _HARMLESS_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise InputError("looks like a binary file, not text (mostly control characters)")


def _where(data: bytes, exc: UnicodeDecodeError) -> str:
    return f"byte 0x{data[exc.start]:02x} at offset {exc.start}"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot decode as {name} ({_where(data, exc)})") from None


def decode_bytes(data: bytes, encoding: str | None = None) -> Transcript:
    """Decode transcript bytes: UTF-8 (with or without BOM) or GB18030.

    With ``encoding`` given, only that codec is tried; otherwise UTF-8, then GB18030.
    Raises ``InputError`` for empty, binary, undecodable or whitespace-only input.
    """
    name = _codec_name(encoding) if encoding is not None else None
    if not data:
        raise InputError("is empty")
    for boms, label in ((_UTF32_BOMS, "utf-32"), (_UTF16_BOMS, "utf-16")):
        if name is None and data.startswith(boms):
            raise InputError(
                f"is {label.upper()} text; save it as UTF-8 or name it with --encoding {label}"
            )
    if name is None or not name.startswith(("utf-16", "utf-32")):
        _check_not_binary(data)
    if name is None:
        failures = []
        for candidate in DETECTED_ENCODINGS:
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError as exc:
                failures.append(f"{candidate} ({_where(data, exc)})")
                continue
            name = candidate
            break
        else:
            raise InputError(
                f"cannot decode as {' or as '.join(failures)}; name the encoding with --encoding"
            )
    else:
        if name == "utf-8-sig":
            name = "utf-8"
        text = _decode(data, name)
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    if "\x00" in text:
        raise InputError("looks like a binary file, not text (it contains NUL characters)")
    if not text.strip():
        raise InputError("contains only whitespace")
    return Transcript(text=text, encoding=name, bom=bom, newline=newline_style(text))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


_KINDS = (
    (stat.S_ISDIR, "is a directory, not a text file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "is a device, not a regular file"),
    (stat.S_ISBLK, "is a device, not a regular file"),
    (stat.S_ISSOCK, "is a socket, not a regular file"),
)


def read_limited(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is an InputError.

    The file is opened without blocking (a FIFO with no writer cannot hang) and checked
    with ``fstat`` before a byte is read: FIFOs, devices, sockets and directories are
    refused, and so is a file larger than the limit (before it is read).
    """
    file = Path(path)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        if file.is_symlink():
            raise InputError(
                f"{file}: is a symbolic link to {os.readlink(file)}, which does not exist"
            ) from None
        raise InputError(f"{file}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"{file}: is a loop of symbolic links") from None
        raise InputError(f"{file}: cannot read ({exc.strerror})") from None
    info = os.fstat(fd)
    for test, message in _KINDS:
        if test(info.st_mode):
            os.close(fd)
            raise InputError(f"{file}: {message}")
    with os.fdopen(fd, "rb") as stream:
        too_big = (
            f"{file}: is {{}}, more than the limit of {_size(max_bytes)} "
            "(raise it with --max-bytes)"
        )
        if info.st_size > max_bytes:
            raise InputError(too_big.format(_size(info.st_size)))
        try:
            data = stream.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{file}: cannot read ({exc.strerror})") from None
        if len(data) > max_bytes:
            raise InputError(too_big.format(f"more than {_size(max_bytes)}"))
    return data


def read_transcript(
    path: str | Path, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Transcript:
    """Read and decode a transcript file (bytes are decoded here: no newline translation)."""
    file = Path(path)
    data = read_limited(file, max_bytes)
    try:
        transcript = decode_bytes(data, encoding)
    except InputError as exc:
        raise InputError(f"{file}: {exc}") from None
    return replace(transcript, path=file)


def sha256_file(path: str | Path) -> str:
    """The hex sha256 digest of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def load_raw(path: Path | None = None, provenance: Path | None = None) -> Transcript:
    """Read the project's raw transcript and check it against its recorded sha256."""
    path = paths.TRANSCRIPT if path is None else Path(path)
    provenance = paths.PROVENANCE if provenance is None else Path(provenance)
    try:
        record = json.loads(provenance.read_text(encoding="utf-8"))
        expected = str(record["sha256"]).lower()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{_shown(provenance)}: no usable sha256 ({exc})") from None
    data = read_limited(path)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise InputError(
            f"{_shown(path)} has changed (sha256 {actual}, expected {expected}); "
            f"{restore_hint(path)}"
        )
    try:
        transcript = decode_bytes(data)
    except InputError as exc:
        raise InputError(f"{_shown(path)}: {exc}") from None
    return replace(transcript, path=path)


def restore_hint(path: Path) -> str:
    """How to get the recorded bytes of a raw file back: from git, inside the repository."""
    try:
        inside = path.resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return "restore its recorded bytes"
    return f"restore it with: git checkout -- {inside}"
