"""All-or-nothing outputs: staging beside the target, publishing a set, undoing a half-done one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from online_economy import publish
from online_economy.errors import InputError
from online_economy.publish import Publication, check_not_input, remove_stale, write_files


def _staging(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if publish.STAGING_MARK in p.name]


def test_write_files_publishes_every_file_and_keeps_others(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    files = {"a.csv": b"1\n", "b.txt": "二\n", "c.bin": lambda p: p.write_bytes(b"3")}
    written = write_files(out, files)
    assert [p.name for p in written] == ["a.csv", "b.txt", "c.bin"]
    assert (out / "b.txt").read_text(encoding="utf-8") == "二\n"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert _staging(tmp_path) == []


def test_a_failing_writer_publishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_bytes(b"old")

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match=r"cannot write .*b\.csv: No space left on device"):
        write_files(out, {"a.csv": b"new", "b.csv": broken})
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    assert (out / "a.csv").read_bytes() == b"old"
    with pytest.raises(InputError):
        write_files(tmp_path / "new" / "out", {"b.csv": broken})
    assert not (tmp_path / "new" / "out").exists()  # the folder made for the run goes too


def test_a_rename_failing_half_way_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, site = tmp_path / "files", tmp_path / "site"
    files.mkdir()
    site.mkdir()
    (files / "a.csv").write_bytes(b"old a")
    (site / "index.html").write_bytes(b"old site")
    real = os.replace
    with Publication() as publication:
        staged = publication.files(files)
        (staged / "a.csv").write_bytes(b"new a")
        (staged / "b.csv").write_bytes(b"new b")
        folder = publication.folder(site)
        (folder / "index.html").write_bytes(b"new site")

        def flaky(src, dst) -> None:
            if Path(dst) == site and Path(src).name == site.name:  # the staged site moving in
                raise OSError(5, "Input/output error")
            real(src, dst)

        monkeypatch.setattr(os, "replace", flaky)
        with pytest.raises(OSError):
            publication.publish()
        monkeypatch.setattr(os, "replace", real)
    assert sorted(p.name for p in files.iterdir()) == ["a.csv"]
    assert (files / "a.csv").read_bytes() == b"old a"
    assert (site / "index.html").read_bytes() == b"old site"
    assert _staging(tmp_path) == []


def test_a_published_folder_replaces_the_old_one_with_umask_modes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")
    old = os.umask(0o027)
    try:
        with Publication() as publication:
            staged = publication.folder(site)
            (staged / "index.html").write_text("new", encoding="utf-8")
            publication.publish()
    finally:
        os.umask(old)
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert site.stat().st_mode & 0o777 == 0o750
    assert (site / "index.html").stat().st_mode & 0o777 == 0o640
    assert _staging(tmp_path) == []


def test_the_input_cannot_be_an_output(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").hardlink_to(source)
    check_not_input([source], [tmp_path / "other.txt"])  # not there: fine
    for output in (source, tmp_path / "." / "in.txt", tmp_path / "link.txt"):
        with pytest.raises(InputError, match="is the input"):
            check_not_input([source], [output])
    with pytest.raises(InputError, match="is the input"):
        write_files(tmp_path, {"link.txt": b"y"}, inputs=[source])
    assert source.read_text(encoding="utf-8") == "x"


def test_staging_left_by_a_killed_writer_is_removed_by_the_next(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    left = tmp_path / f"{publish.STAGING_MARK}{pid}-abc123"
    left.mkdir()
    (left / "turns.csv").write_text("half", encoding="utf-8")
    mine = tmp_path / f"{publish.STAGING_MARK}{os.getpid()}-def456"  # a live writer's
    mine.mkdir()
    remove_stale(tmp_path)
    assert not left.exists() and mine.is_dir()
    left.mkdir()
    write_files(tmp_path, {"a.txt": b"a"})
    assert not left.exists()


def test_messages_name_the_published_path_not_the_staging_one(tmp_path: Path) -> None:
    with Publication() as publication:
        files = publication.files(tmp_path)
        site = publication.folder(tmp_path / "html")
        font = Path("fonts") / "a.otf"
        for staged, public in ((files / "turns.csv", tmp_path / "turns.csv"),
                               (site / font, tmp_path / "html" / font)):
            error = OSError(28, "No space left on device", str(staged))
            assert publish.os_error_line(error) == f"error: No space left on device: {public}"
    assert publish.os_error_line(OSError(28, "No space left on device")) == (
        "error: No space left on device"
    )
