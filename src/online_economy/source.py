"""Loading transcripts: bytes -> text, with encoding, BOM and line endings recorded.

Every offset in the project is an index into ``Transcript.text``: the decoded
text with any byte-order mark removed and line endings kept exactly as in the file.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError

DETECTED_ENCODINGS = ("utf-8", "gb18030")
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
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
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"unknown encoding {encoding!r}")
    return info.name


def _check_not_binary(data: bytes) -> None:
    if b"\x00" in data:
        raise InputError("looks like a binary file, not text (it contains NUL bytes)")
    controls = sum(1 for b in data if (b < 0x20 or b == 0x7F) and b not in _HARMLESS_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise InputError("looks like a binary file, not text (mostly control characters)")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot decode as {name} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def decode_bytes(data: bytes, encoding: str | None = None) -> Transcript:
    """Decode transcript bytes: UTF-8 (with or without BOM) or GB18030.

    With ``encoding`` given, only that codec is tried; otherwise UTF-8, then GB18030.
    Raises ``InputError`` for empty, binary, undecodable or whitespace-only input.
    """
    name = _codec_name(encoding) if encoding else None
    if not data:
        raise InputError("is empty")
    if name is None and data.startswith(_UTF16_BOMS):
        raise InputError("is UTF-16 text; save it as UTF-8 or pass encoding='utf-16'")
    if name is None or not name.startswith(("utf-16", "utf-32")):
        _check_not_binary(data)
    if name is None:
        for candidate in DETECTED_ENCODINGS:
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            name = candidate
            break
        else:
            raise InputError(f"cannot decode as {' or '.join(DETECTED_ENCODINGS)}")
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


def read_transcript(path: str | Path, encoding: str | None = None) -> Transcript:
    """Read and decode a transcript file (bytes are decoded here: no newline translation)."""
    file = Path(path)
    if not file.exists():
        raise InputError(f"{file}: no such file")
    if file.is_dir():
        raise InputError(f"{file}: is a directory, not a text file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read ({exc.strerror})") from None
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
    transcript = read_transcript(path)
    actual = sha256_file(path)
    if actual != expected:
        raise InputError(
            f"{_shown(path)} has changed (sha256 {actual}, expected {expected}); "
            f"restore it with `{restore_command(record)}`"
        )
    return transcript


def restore_command(record: dict[str, object]) -> str:
    """The git command that restores the committed raw file the provenance ``record`` describes."""
    name = Path(str(record.get("file") or paths.TRANSCRIPT.name)).name
    return f"git checkout -- {(paths.RAW / name).relative_to(paths.ROOT).as_posix()}"
