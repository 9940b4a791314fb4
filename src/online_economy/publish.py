"""Outputs all-or-nothing: staged beside their targets, published together under a lock.

Every command that writes files goes through :class:`Publication`:

- each target folder gets a private staging folder on the same file system (made by
  ``mkdtemp`` and recorded before anything is written in it), removed on failure or signal;
- :meth:`Publication.publish` moves the staged files into place only when everything
  succeeded, holding an exclusive ``flock`` on each target folder so concurrent writers
  publish one after the other and never leave a mixed set, with signals held back and a
  rollback if a rename fails half-way;
- files are created with ordinary ``open`` calls, so their modes follow the umask;
- :func:`check_not_input` refuses an output that is one of the inputs (same file, even
  through another name or a hard link).

:func:`interrupts` turns Ctrl-C and SIGTERM into :class:`Interrupted`, which
the commands report as one line ``interrupted`` with exit status 130 or 143.
"""

from __future__ import annotations

import atexit
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
from types import FrameType, TracebackType
from typing import NoReturn

from online_economy.errors import InputError

SIGNALS = (signal.SIGINT, signal.SIGTERM)
STAGING_MARK = ".staging-"
# .staging-PID-XXXX inside a target folder; .NAME.staging-[old-]PID-XXXX beside a target folder
_STAGED = re.compile(r"^(?:\.(.+))?" + re.escape(STAGING_MARK) + r"(?:old-)?(\d+)-")

Writer = Callable[[Path], object] | bytes | str
_live: set[Path] = set()  # staging folders of this process not yet removed
_live_lock = threading.Lock()


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the command stops, removes its staging files, prints one line."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """130 for Ctrl-C (SIGINT), 143 for SIGTERM: 128 + the signal number."""
        return 128 + self.signum


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
    old = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


def exit_quietly(status: int) -> NoReturn:
    """End a command's process with ``status``: its work is done, so a late Ctrl-C or
    SIGTERM (a second one, passed on by make or timeout) is ignored rather than killing the
    interpreter while it shuts down and replacing the status."""
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


def current_umask() -> int:
    """The process umask (read by setting and restoring it, under a lock)."""
    with _live_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def check_not_input(inputs: Iterable[Path], outputs: Iterable[Path]) -> None:
    """InputError if an output names the same file as an input (path, symlink or hard link)."""
    seen = {}
    for path in inputs:
        try:
            info = os.stat(path)
        except OSError:
            continue
        seen[(info.st_dev, info.st_ino)] = path
    for out in outputs:
        try:
            info = os.stat(out)
        except OSError:
            continue
        source = seen.get((info.st_dev, info.st_ino))
        if source is not None:
            raise InputError(
                f"{out} is the input {source}: writing it would destroy the input; "
                "choose another output folder"
            )


def _remove(path: Path) -> None:
    with signals_held():
        shutil.rmtree(path, ignore_errors=True)
        with _live_lock:
            _live.discard(path)


@atexit.register
def _remove_all() -> None:
    for path in list(_live):
        _remove(path)


def check_folder(folder: Path | str, option: str) -> Path:
    """``folder`` if it can be an output folder (it may not exist yet), else an InputError."""
    if str(folder).strip() == "":
        raise InputError(f"{option} is empty; name a folder")
    folder = Path(folder)
    if folder.is_symlink() and not folder.exists():
        try:
            target = os.readlink(folder)
        except OSError:
            target = "?"
        folder_target = f"{option} {folder} is a symbolic link to {target}"
        try:
            os.stat(folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(f"{option} {folder} is a loop of symbolic links") from None
        raise InputError(f"{folder_target}, which does not exist")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} exists and is not a folder")
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove staging folders in ``folder`` left by processes that no longer run (SIGKILL,
    power cut): their names carry the writer's process id."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        found = _STAGED.match(entry.name)
        if found and entry.is_dir() and not entry.is_symlink() and not _alive(int(found[2])):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def usable_folder(folder: Path | str, option: str) -> Path:
    """``folder`` made ready for writing (created if missing), or a one-line InputError."""
    folder = check_folder(folder, option)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {folder}: {_reason(exc)}") from None
    return folder


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def public_path(path: str | Path) -> Path:
    """The path a staged path will have once published (error messages name that one)."""
    parts = list(Path(path).parts)
    for i, part in enumerate(parts):
        found = _STAGED.match(part)
        if found:
            if found[1] is None:
                del parts[i]  # staged files for the folder that holds the staging folder
            else:
                parts[i] = found[1]  # a staged folder that replaces its namesake
            break
    return Path(*parts) if parts else Path(path)


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


class Publication:
    """A set of outputs staged beside their targets and published together, or not at all.

    Use as a context manager: whatever was staged and not published is removed on exit.
    ``files(folder)`` stages files that replace same-named files in ``folder`` (other files
    there are left alone); ``folder(target)`` stages a folder that replaces ``target`` whole.
    """

    def __init__(self) -> None:
        self._merge: list[tuple[Path, Path]] = []  # (staging folder, target folder)
        self._swap: list[tuple[Path, Path]] = []  # (staging folder, target folder)
        self._stack = ExitStack()

    def __enter__(self) -> Publication:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()

    def _stage(self, parent: Path, name: str) -> Path:
        """``parent/.staging-PID-XXXX`` (files for ``parent``) or ``parent/.NAME.staging-…``
        (a folder to replace ``parent/NAME``)."""
        remove_stale(parent)
        with signals_held():
            try:
                staged = Path(
                    tempfile.mkdtemp(prefix=f"{name}{STAGING_MARK}{os.getpid()}-", dir=parent)
                )
            except OSError as exc:
                raise InputError(f"cannot write to the folder {parent}: {_reason(exc)}") from None
            with _live_lock:
                _live.add(staged)
        return staged

    def files(self, folder: Path) -> Path:
        """A staging folder whose files will replace the same names in ``folder``."""
        staged = self._stage(folder, "")
        self._merge.append((staged, folder))
        return staged

    def folder(self, target: Path) -> Path:
        """A staging folder that will replace ``target`` (a folder) as a whole."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = self._stage(target.parent, f".{target.name}")
        staged.chmod(0o777 & ~current_umask())
        self._swap.append((staged, target))
        return staged

    def discard(self) -> None:
        """Remove every staging folder (nothing is published)."""
        for staged, _ in [*self._merge, *self._swap]:
            _remove(staged)
        self._merge, self._swap = [], []

    def _locks(self) -> Iterator[int]:
        folders = {t.resolve() for _, t in self._merge}
        folders |= {t.parent.resolve() for _, t in self._swap}
        for folder in sorted(folders):
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            yield fd

    def publish(self) -> list[Path]:
        """Move everything staged into place together; return the published paths.

        Holds an exclusive lock on every target folder and holds signals back; if a move
        fails, the moves already made are undone and the error is raised.
        """
        done: list[Callable[[], None]] = []
        published: list[Path] = []
        for staged, folder in self._merge:
            for item in staged.iterdir():
                final = folder / item.name
                if final.is_symlink() or (final.exists() and not final.is_file()):
                    raise InputError(f"{final} exists and is not a regular file; not replacing it")
        for _, target in self._swap:
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                raise InputError(f"{target} exists and is not a folder; not replacing it")
        with signals_held():
            fds = list(self._locks())
            try:
                try:
                    for staged, folder in self._merge:
                        for item in sorted(staged.iterdir()):
                            published.append(_replace_file(item, folder / item.name, done))
                    for staged, target in self._swap:
                        published.append(_replace_folder(staged, target, done))
                except BaseException:
                    for undo in reversed(done):
                        undo()
                    raise
            finally:
                for fd in fds:
                    os.close(fd)  # closing releases the lock
            self.discard()
        return published


def _replace_file(staged: Path, final: Path, done: list[Callable[[], None]]) -> Path:
    """Rename ``staged`` over ``final``, keeping the old file (a hard link) to undo it."""
    backup = staged.with_name(f"{staged.name}{STAGING_MARK}previous")
    existed, kept = final.exists(), False
    if existed:
        try:
            os.link(final, backup)
            kept = True
        except OSError:
            pass  # no hard links here: the rename below is still atomic, only not undoable
    os.replace(staged, final)

    def undo() -> None:
        if kept:
            os.replace(backup, final)
        elif not existed:
            final.unlink(missing_ok=True)

    done.append(undo)
    return final


def _replace_folder(staged: Path, target: Path, done: list[Callable[[], None]]) -> Path:
    """Swap ``staged`` in for the folder ``target``; the old folder is removed afterwards."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(
            prefix=f".{target.name}{STAGING_MARK}old-{os.getpid()}-", dir=target.parent
        ))
        with _live_lock:
            _live.add(old)
        os.replace(target, old / "previous")
    try:
        os.replace(staged, target)
    except OSError:
        if old is not None:
            os.replace(old / "previous", target)
            _remove(old)
        raise

    def undo() -> None:
        os.replace(target, staged)
        if old is not None:
            os.replace(old / "previous", target)

    done.append(undo)
    if old is not None:
        _remove(old)  # after the swap: a failure here leaves only a hidden staging folder
    return target


def write_files(
    folder: Path, files: Mapping[str, Writer], inputs: Iterable[Path] = (),
    option: str = "the output folder",
) -> list[Path]:
    """Write several files into ``folder`` all-or-nothing: the one call the commands use.

    ``files`` maps each file name to its content (bytes or text, written as UTF-8) or to a
    function that writes the file at the path it is given. Everything is written to a
    staging folder first and published together (see :class:`Publication`); ``inputs``
    may never be among the outputs; ``option`` names the folder in messages (``--out``).
    """
    created = not Path(folder).exists()
    folder = usable_folder(folder, option)
    try:
        check_not_input(inputs, [folder / name for name in files])
        with Publication() as publication:
            staged = publication.files(folder)
            for name, content in files.items():
                path = staged / name
                try:
                    if isinstance(content, bytes):
                        path.write_bytes(content)
                    elif isinstance(content, str):
                        path.write_text(content, encoding="utf-8", newline="\n")
                    else:
                        content(path)
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
