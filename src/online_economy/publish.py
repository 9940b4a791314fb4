"""Outputs all-or-nothing: staged beside their targets, published together under a lock.

Every command writes through :class:`Publication`; files are created by ordinary ``open``
calls, so their modes follow the umask. :func:`interrupts` turns Ctrl-C and SIGTERM into
:class:`Interrupted`: one line ``interrupted``, exit status 130 or 143.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from online_economy.errors import InputError

SIGNALS = (signal.SIGINT, signal.SIGTERM)
STAGING_MARK = ".staging-"
# .staging-PID-XXXX inside a target folder (.NAME.staging-[old-]PID-XXXX: earlier versions)
_STAGED = re.compile(r"^(?:\.(.+))?" + re.escape(STAGING_MARK) + r"(?:old-)?(\d+)-")
Writer = Callable[[Path], object] | bytes | str


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the command stops, removes its staging files, prints one line."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_status = 128 + signum  # 130 for Ctrl-C (SIGINT), 143 for SIGTERM


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    # The first signal wins: later ones (a second Ctrl-C, make or timeout passing the signal
    # on again) are ignored while the command cleans up, so cleanup is never cut short.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


@contextmanager
def interrupts() -> Iterator[None]:
    """Inside the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only);
    the previous handlers come back when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {signum: signal.signal(signum, _raise_interrupted) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


def exit_quietly(status: int) -> NoReturn:
    """End a command's process with ``status``: its work is done, so a late Ctrl-C or
    SIGTERM is ignored rather than killing the interpreter and replacing the status."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(status)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back inside the block; they are delivered when it ends."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def check_not_input(inputs: Iterable[Path], outputs: Iterable[Path]) -> None:
    """InputError if an output names the same file as an input (path, symlink or hard link)."""
    present = [path for path in inputs if os.path.exists(path)]
    for out in outputs:
        same = [path for path in present if os.path.exists(out) and os.path.samefile(path, out)]
        if same:
            raise InputError(f"{out} is the input {same[0]}: writing it would destroy the input; "
                             "choose another output folder")


def check_folder(folder: Path | str, option: str) -> Path:
    """``folder`` if it can be an output folder (it may not exist yet), else an InputError."""
    if str(folder).strip() == "":
        raise InputError(f"{option} is empty; name a folder")
    folder = Path(folder)
    if folder.is_symlink() and not folder.exists():
        try:
            os.stat(folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(f"{option} {folder} is a loop of symbolic links") from None
        target = os.readlink(folder)
        raise InputError(f"{option} {folder} is a symbolic link to {target}, which does not exist")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} exists and is not a folder")
    return folder


def remove_stale(folder: Path) -> list[Path]:
    """Remove the staging folders in ``folder`` of processes that no longer run (SIGKILL,
    power cut): their names carry the writer's process id."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    removed = []
    for entry in entries:
        found = _STAGED.match(entry.name)
        if found and entry.is_dir() and not entry.is_symlink():
            try:
                os.kill(int(found[2]), 0)  # PermissionError: alive, someone else's
            except ProcessLookupError:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
            except OSError:
                continue
    return removed


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def public_path(path: str | Path) -> Path:
    """The path a staged path will have once published (error messages name that one)."""
    return Path(*(part for part in Path(path).parts if not _STAGED.match(part)))


def os_error_line(exc: OSError) -> str:
    """``error: <reason>: <path>`` with the published path, never a staging name."""
    if exc.filename:
        return f"error: {_reason(exc)}: {public_path(exc.filename)}"
    return f"error: {_reason(exc)}"


def write_error(exc: OSError, target: Path) -> InputError:
    """A one-line error naming the folder or the file being written, never a staging name."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return InputError(f"cannot write to the folder {target.parent}: {_reason(exc)}")
    return InputError(f"cannot write {target}: {_reason(exc)}")


class Publication(ExitStack):
    """Outputs staged beside their targets and published together, or not at all.

    Use as a context manager: whatever was staged and not published is removed on exit.
    ``files(folder)`` stages files that replace same-named files in ``folder`` (other files
    there are left alone); ``folder(target)`` stages a folder that replaces ``target`` whole.
    """

    def __init__(self) -> None:
        super().__init__()
        self._staged: list[tuple[Path, Path]] = []  # (staging folder, target folder)

    def __exit__(self, *exc_info: Any) -> bool:
        with signals_held():  # removing the staging folders is never cut short
            return super().__exit__(*exc_info)

    def files(self, folder: Path) -> Path:
        """A staging folder ``folder/.staging-PID-XXXX`` whose files replace their names in
        ``folder`` (the process id lets a later run remove it if this one is killed)."""
        remove_stale(folder)
        with signals_held():
            try:
                staged = Path(tempfile.mkdtemp(prefix=f"{STAGING_MARK}{os.getpid()}-", dir=folder))
            except OSError as exc:
                raise InputError(f"cannot write to the folder {folder}: {_reason(exc)}") from None
            self.callback(shutil.rmtree, staged, ignore_errors=True)
            self._staged.append((staged, folder))
        return staged

    def folder(self, target: Path) -> Path:
        """A staging folder that will replace the folder ``target`` whole."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = self.files(target.parent) / target.name
        staged.mkdir()  # its mode follows the umask
        return staged

    def publish(self) -> list[Path]:
        """Move everything staged into place together; return the published paths.

        Holds an exclusive lock on every target folder and holds signals back; if a move
        fails, the moves already made are undone and the error is raised.
        """
        moves = [(item, folder / item.name)
                 for staged, folder in self._staged for item in sorted(staged.iterdir())]
        for item, final in moves:
            fits = final.is_dir() if item.is_dir() else final.is_file()
            if final.is_symlink() or (final.exists() and not fits):
                kind = "a folder" if item.is_dir() else "a regular file"
                raise InputError(f"{final} exists and is not {kind}; not replacing it")
        undo: list[tuple[Path, Path]] = []  # renames that put things back, last first
        with signals_held(), ExitStack() as locks:
            for folder in sorted({folder.resolve() for _, folder in self._staged}):
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                locks.callback(os.close, fd)  # closing releases the lock
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                for item, final in moves:
                    _move(item, final, undo)
            except BaseException:
                for source, destination in reversed(undo):
                    os.replace(source, destination)
                raise
            self.close()
        return [final for _, final in moves]


def _move(staged: Path, final: Path, undo: list[tuple[Path, Path]]) -> None:
    """Rename ``staged`` over ``final``, adding to ``undo`` the renames that put it back.

    The old folder or file is kept in the staging folder until the end, a file as a hard
    link so ``final`` always exists (without hard links: atomic, only not undoable).
    """
    old = staged.with_name(f".{staged.name}.previous")
    if final.is_dir():
        os.replace(final, old)
        undo.append((old, final))
    elif final.exists():
        with contextlib.suppress(OSError):
            os.link(final, old)
            undo.append((old, final))
    existed = final.exists()
    os.replace(staged, final)
    if not existed:
        undo.append((final, staged))


def write_files(
    folder: Path, files: Mapping[str, Writer], inputs: Iterable[Path] = (),
    option: str = "the output folder",
) -> list[Path]:
    """Write several files into ``folder`` all-or-nothing (a :class:`Publication`).

    ``files`` maps each file name to its content (bytes, or text written as UTF-8) or to a
    function that writes the file at the path it is given; ``inputs`` may never be among the
    outputs; ``option`` names the folder in messages (``--out``).
    """
    created = not Path(folder).exists()
    folder = check_folder(folder, option)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {folder}: {_reason(exc)}") from None
    try:
        check_not_input(inputs, [folder / name for name in files])
        with Publication() as publication:
            staged = publication.files(folder)
            for name, content in files.items():
                try:
                    if callable(content):
                        content(staged / name)
                    else:
                        data = content.encode("utf-8") if isinstance(content, str) else content
                        (staged / name).write_bytes(data)
                except OSError as exc:
                    raise write_error(exc, folder / name) from None
            try:
                return publication.publish()
            except OSError as exc:
                raise write_error(exc, folder / Path(exc.filename or "").name) from None
    except BaseException:
        if created:  # a folder made for this run and left empty goes too
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
