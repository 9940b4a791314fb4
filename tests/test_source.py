"""Loading transcripts: encodings, BOM, line endings, bad input, the raw file's hash."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from online_economy import paths
from online_economy.errors import InputError
from online_economy.source import (
    Transcript,
    decode_bytes,
    load_raw,
    newline_style,
    read_transcript,
)

SAMPLE = "标题\n\n  新华社记者:在线新经济是什么?\n\n  刘平:包括12个领域。\n"
SEED_SHA256 = "4b8aa7b2b16ac4e863fb5e3b54546cce1b9fa547e542b69bbe34b5bdc987241b"


def _error(func, *args, **kwargs) -> str:
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message
    return message


def test_input_error_is_a_value_error() -> None:
    assert issubclass(InputError, ValueError)


def test_plain_utf8() -> None:
    t = decode_bytes(SAMPLE.encode("utf-8"))
    assert t == Transcript(text=SAMPLE, encoding="utf-8", newline="LF")


def test_bom_is_removed_and_offsets_shift(tmp_path: Path) -> None:
    file = tmp_path / "bom.txt"
    file.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    t = read_transcript(file)
    assert t.encoding == "utf-8" and t.path == file
    assert t.text == SAMPLE and not t.text.startswith("\ufeff")
    assert t.text.index("刘平") == SAMPLE.index("刘平")
    assert t.text[t.text.index("刘平"):][:2] == "刘平"


def test_bom_with_named_encoding() -> None:
    data = b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")
    for name in ("utf-8", "UTF8", "utf-8-sig"):
        t = decode_bytes(data, name)
        assert (t.text, t.encoding) == (SAMPLE, "utf-8")


def test_gb18030_file_read_back_equal(tmp_path: Path) -> None:
    file = tmp_path / "gb.txt"
    file.write_bytes(SAMPLE.encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        file.read_bytes().decode("utf-8")
    detected = read_transcript(file)
    assert (detected.text, detected.encoding) == (SAMPLE, "gb18030")
    named = read_transcript(file, encoding="GB18030")
    assert named.text == SAMPLE and named.encoding == "gb18030"


def test_named_encoding_is_the_only_one_tried() -> None:
    message = _error(decode_bytes, SAMPLE.encode("gb18030"), "utf-8")
    assert message.startswith("cannot decode as utf-8 (byte 0x")


def test_crlf_is_kept(tmp_path: Path) -> None:
    file = tmp_path / "crlf.txt"
    file.write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    t = read_transcript(file)
    assert t.newline == "CRLF"
    assert t.text == SAMPLE.replace("\n", "\r\n")
    assert t.text.count("\r\n") == SAMPLE.count("\n")


@pytest.mark.parametrize(
    ("text", "style"),
    [("a\nb\n", "LF"), ("a\r\nb\r\n", "CRLF"), ("a\r\nb\n", "mixed"), ("a\rb", "mixed"),
     ("ab", "none")],
)
def test_newline_style(text: str, style: str) -> None:
    assert newline_style(text) == style
    assert decode_bytes(text.encode("utf-8")).newline == style


def test_missing_file(tmp_path: Path) -> None:
    message = _error(read_transcript, tmp_path / "nope.txt")
    assert message == f"{tmp_path / 'nope.txt'}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert "is a directory" in _error(read_transcript, tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    file = tmp_path / "empty.txt"
    file.write_bytes(b"")
    assert _error(read_transcript, file) == f"{file}: is empty"


@pytest.mark.parametrize("data", [b"   \n\t\r\n", "\u3000\u3000\n ".encode(), b"\xef\xbb\xbf\n"])
def test_whitespace_only(data: bytes) -> None:
    assert _error(decode_bytes, data) == "contains only whitespace"


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    file = tmp_path / "image.png"
    file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _error(read_transcript, file)


def test_binary_mostly_control_characters() -> None:
    assert "control characters" in _error(decode_bytes, bytes(range(1, 32)) * 4 + b"abc")


def test_text_with_a_few_control_characters_is_accepted() -> None:
    text = "新华社记者:问题?\x07" + "文字" * 20
    assert decode_bytes(text.encode("utf-8")).text == text


def test_undecodable_names_the_byte_and_offset_for_each_encoding_tried() -> None:
    assert _error(decode_bytes, b"abc\x80def") == (
        "cannot decode as utf-8 (byte 0x80 at offset 3) or as gb18030 (byte 0x80 at offset 3); "
        "name the encoding with --encoding"
    )


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_get_the_command_line_hint_and_can_be_named(codec: str) -> None:
    data = SAMPLE.encode(codec)
    assert _error(decode_bytes, data) == (
        f"is {codec.upper()} text; save it as UTF-8 or name it with --encoding {codec}"
    )
    assert decode_bytes(data, codec).text == SAMPLE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_gets_the_hint(codec: str) -> None:
    assert _error(decode_bytes, SAMPLE.encode(codec)) == (
        f"looks like {codec.upper()} text without a byte-order mark; save it as UTF-8 or name it "
        f"with --encoding {codec}"
    )
    assert decode_bytes(SAMPLE.encode(codec), codec).text == SAMPLE


@pytest.mark.parametrize("name", ["", "  "])
def test_empty_encoding_is_refused_not_ignored(name: str) -> None:
    assert _error(decode_bytes, SAMPLE.encode(), name).startswith("the encoding is empty")


def test_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert _error(read_transcript, fifo) == f"{fifo}: is a named pipe (FIFO), not a regular file"


def test_device_is_refused() -> None:
    assert _error(read_transcript, "/dev/zero") == "/dev/zero: is a device, not a regular file"


def test_symbolic_links_dangling_and_looping(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "gone.txt")
    assert _error(read_transcript, dangling) == (
        f"{dangling}: is a symbolic link to {tmp_path / 'gone.txt'}, which does not exist"
    )
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert _error(read_transcript, loop) == f"{loop}: is a loop of symbolic links"


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(3_000_000_000)  # sparse: reading it would take 3 GB of memory
    assert _error(read_transcript, big, max_bytes=1_000_000) == (
        f"{big}: is 3000.0 MB, more than the limit of 1.0 MB (raise it with --max-bytes)"
    )
    small = tmp_path / "small.txt"
    small.write_text(SAMPLE, encoding="utf-8")
    assert "more than the limit" in _error(read_transcript, small, max_bytes=10)
    assert read_transcript(small, max_bytes=len(SAMPLE.encode())).text == SAMPLE


@pytest.mark.parametrize("name", ["no-such-codec", "rot13"])
def test_unknown_encoding(name: str) -> None:
    assert _error(decode_bytes, b"abc", name) == f"unknown encoding {name!r}"


@settings(max_examples=60, derandomize=True, database=None)
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1))
def test_utf8_and_gb18030_round_trip(text: str) -> None:
    body = text.removeprefix("\ufeff")
    if not body.strip():
        return
    assert decode_bytes(text.encode("utf-8")).text == body
    assert decode_bytes(text.encode("gb18030"), "gb18030").text == body


def test_a_file_read_records_its_sha256(tmp_path: Path) -> None:
    file = tmp_path / "x.txt"
    file.write_bytes(b"abc")
    assert read_transcript(file).sha256 == hashlib.sha256(b"abc").hexdigest()
    assert load_raw().sha256 == SEED_SHA256
    assert decode_bytes(b"abc").sha256 == ""  # bytes alone come from no file


def test_load_raw() -> None:
    t = load_raw()
    assert (t.encoding, t.newline, len(t.text)) == ("utf-8", "LF", 5046)
    assert t.path == paths.TRANSCRIPT
    assert t.text.encode("utf-8") == paths.TRANSCRIPT.read_bytes()


def test_load_raw_detects_a_changed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "t.txt"
    provenance = tmp_path / "p.json"
    shutil.copyfile(paths.PROVENANCE, provenance)
    copy.write_bytes(paths.TRANSCRIPT.read_bytes().replace("刘平".encode(), "刘乎".encode(), 1))
    message = _error(load_raw, copy, provenance)
    actual = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert message.startswith(f"{copy} has changed (sha256 {actual}, expected ")
    assert message.endswith("; restore its recorded bytes")  # outside the repository
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    message = _error(load_raw, copy, provenance)
    assert message.startswith("t.txt has changed (sha256 ")
    assert message.endswith("; restore it with: git checkout -- t.txt")
    assert "\n" not in message
    shutil.copyfile(paths.TRANSCRIPT, copy)
    assert load_raw(copy, provenance).text == load_raw().text


def test_load_raw_without_a_usable_provenance(tmp_path: Path) -> None:
    provenance = tmp_path / "p.json"
    assert "no usable sha256" in _error(load_raw, paths.TRANSCRIPT, provenance)
    provenance.write_text(json.dumps({"file": "x"}), encoding="utf-8")
    assert "no usable sha256" in _error(load_raw, paths.TRANSCRIPT, provenance)
