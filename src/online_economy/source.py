"""Loading transcripts: bytes -> ``Transcript.text`` (no BOM, line endings as in the file),
the text every offset in the project indexes."""

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
DEFAULT_MAX_BYTES = 20_000_000  # about a minute of work; raise it with max_bytes / --max-bytes
_BOMS = {"utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),  # first: FF FE 00 00 is UTF-32
         "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)}
_TEXT_BYTES = bytes(b for b in range(256) if 0x20 <= b != 0x7F or b in b"\t\n\r\f\v")
_NOT_REGULAR = {stat.S_IFDIR: "is a directory, not a text file",  # open() refuses a socket
                stat.S_IFIFO: "is a named pipe (FIFO), not a regular file",
                stat.S_IFCHR: "is a device, not a regular file",
                stat.S_IFBLK: "is a device, not a regular file"}


@dataclass(frozen=True)
class Transcript:
    """A decoded transcript (``newline``: LF, CRLF, mixed or none; a file's path and sha256)."""

    text: str
    encoding: str
    newline: str
    path: Path | None = None
    sha256: str = ""


def newline_style(text: str) -> str:
    """Classify the line endings of ``text`` (a lone CR counts as "mixed")."""
    crlf = text.count("\r\n")
    counts = {"LF": text.count("\n") - crlf, "CRLF": crlf, "mixed": text.count("\r") - crlf}
    found = [style for style, n in counts.items() if n]
    return found[0] if len(found) == 1 else "mixed" if found else "none"


def _codec_name(encoding: str) -> str:
    if not encoding.strip():
        raise InputError("the encoding is empty; name one, e.g. --encoding gb18030")
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"unknown encoding {encoding!r}")
    return "utf-8" if info.name == "utf-8-sig" else info.name


def _check_not_binary(data: bytes) -> None:
    if b"\x00" in data and len(data) % 2 == 0:  # UTF-16 without a byte-order mark?
        for label in ("utf-16-le", "utf-16-be"):
            try:
                text = data[:8192].decode(label)
            except UnicodeDecodeError:
                continue
            if sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
                raise InputError(f"looks like {label.upper()} text without a byte-order mark; "
                                 f"save it as UTF-8 or name it with --encoding {label}")
    if b"\x00" in data:
        raise InputError("looks like a binary file, not text (it contains NUL bytes)")
    if len(data.translate(None, _TEXT_BYTES)) > 0.1 * len(data):  # control characters
        raise InputError("looks like a binary file, not text (mostly control characters)")


def decode_bytes(data: bytes, encoding: str | None = None) -> Transcript:
    """Decode transcript bytes: the named codec only, else UTF-8 (BOM or not) then GB18030."""
    names = list(DETECTED_ENCODINGS) if encoding is None else [_codec_name(encoding)]
    if not data:
        raise InputError("is empty")
    for label, boms in _BOMS.items():
        if encoding is None and data.startswith(boms):
            raise InputError(f"is {label.upper()} text; save it as UTF-8 or name it with "
                             f"--encoding {label}")
    if not names[0].startswith(("utf-16", "utf-32")):
        _check_not_binary(data)
    failures = []
    for name in names:
        try:
            text = data.decode(name)
            break
        except UnicodeDecodeError as exc:
            failures.append(f"{name} (byte 0x{data[exc.start]:02x} at offset {exc.start})")
    else:
        hint = "; name the encoding with --encoding" if encoding is None else ""
        raise InputError(f"cannot decode as {' or as '.join(failures)}{hint}")
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise InputError("looks like a binary file, not text (it contains NUL characters)")
    if not text.strip():
        raise InputError("contains only whitespace")
    return Transcript(text=text, encoding=name, newline=newline_style(text))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def leads_nowhere(path: Path) -> str | None:
    """Why ``path`` leads to no file (no such file, a dangling link, a link loop), or None."""
    try:
        os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a symbolic link to {os.readlink(path)}, which does not exist"
        return "no such file"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a loop of symbolic links"
    return None


def read_limited(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, checked before a byte is read."""
    file = Path(path)
    limit = f"more than the limit of {_size(max_bytes)} (raise it with --max-bytes)"
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO cannot hang
        info = os.fstat(fd)
        problem = _NOT_REGULAR.get(stat.S_IFMT(info.st_mode))
        if problem is None and info.st_size > max_bytes:
            problem = f"is {_size(info.st_size)}, {limit}"
        if problem is not None:
            os.close(fd)
            raise InputError(f"{file}: {problem}")
        with os.fdopen(fd, "rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        problem = leads_nowhere(file) or f"cannot read ({exc.strerror})"
        raise InputError(f"{file}: {problem}") from None
    if len(data) > max_bytes:
        raise InputError(f"{file}: is more than {_size(max_bytes)}, {limit}")
    return data


def _decoded(data: bytes, path: Path, shown: object, encoding: str | None = None) -> Transcript:
    """:func:`decode_bytes` recording ``path`` and the sha256; an error names ``shown``."""
    try:
        sha256 = hashlib.sha256(data).hexdigest()
        return replace(decode_bytes(data, encoding), path=path, sha256=sha256)
    except InputError as exc:
        raise InputError(f"{shown}: {exc}") from None


def read_transcript(path: str | Path, encoding: str | None = None,
                    max_bytes: int = DEFAULT_MAX_BYTES) -> Transcript:
    """Read and decode a transcript file (bytes are decoded here: no newline translation)."""
    file = Path(path)
    return _decoded(read_limited(file, max_bytes), file, file, encoding)


def _inside(path: Path) -> str | None:
    """``path`` relative to the project root, or None if it is outside."""
    full = path.resolve()
    return full.relative_to(paths.ROOT).as_posix() if full.is_relative_to(paths.ROOT) else None


def load_raw(path: Path | None = None, provenance: Path | None = None) -> Transcript:
    """Read the project's raw transcript and check it against its recorded sha256."""
    path = paths.TRANSCRIPT if path is None else Path(path)
    provenance = paths.PROVENANCE if provenance is None else Path(provenance)
    try:
        expected = str(json.loads(provenance.read_text(encoding="utf-8"))["sha256"]).lower()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{_inside(provenance) or provenance}: no usable sha256 ({exc})") from None
    data, inside = read_limited(path), _inside(path)
    if (actual := hashlib.sha256(data).hexdigest()) != expected:
        hint = f"restore it with: git checkout -- {inside}" if inside else ""
        raise InputError(f"{inside or path} has changed (sha256 {actual}, expected {expected}); "
                         f"{hint or 'restore its recorded bytes'}")
    return _decoded(data, path, inside or path)
