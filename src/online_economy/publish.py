"""Outputs all-or-nothing, staged beside their targets and published together under a lock;
Ctrl-C, SIGTERM and SIGHUP as :class:`Interrupted` (one line ``interrupted``, 130, 143, 129)."""

import contextlib
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

from online_economy.errors import InputError
from online_economy.source import leads_nowhere

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # SIGHUP: the terminal closed
STAGING_MARK = ".staging-"


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the command stops, removes its staging files, prints one line."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.exit_status = 128 + signum  # 130 for Ctrl-C (SIGINT), 143 for SIGTERM


def _raise_interrupted(signum: int, frame: object) -> None:
    # The first signal wins: later ones (a second Ctrl-C, passed on by make) are ignored.
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def interrupts() -> Iterator[None]:
    """Inside the block, SIGINT and SIGTERM raise :class:`Interrupted` (main thread only)."""
    main = threading.current_thread() is threading.main_thread()
    old = {signum: signal.signal(signum, _raise_interrupted) for signum in SIGNALS if main}
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)


def exit_quietly(status: int) -> NoReturn:
    """Exit with ``status``, ignoring a late Ctrl-C or SIGTERM that would replace it."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    sys.exit(status)


@contextlib.contextmanager
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
        raise InputError(f"{option} {folder} {leads_nowhere(folder)}")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} exists and is not a folder")
    return folder


def remove_stale(folder: Path) -> None:
    """Remove the staging folders in ``folder`` of processes that no longer run (killed)."""
    for entry in folder.glob(f"{STAGING_MARK}*"):  # (nothing if it cannot be read)
        pid = entry.name.split("-")[1]  # .staging-PID-XXXX
        try:
            if pid.isdigit():
                os.kill(int(pid), 0)  # no error, or PermissionError: it runs
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)  # (a file or a link is left alone)
        except PermissionError:
            continue


def os_error_line(exc: OSError) -> str:
    """``error: <reason>: <path>`` with the published path, never a staging name."""
    parts = Path(exc.filename or "").parts
    where = f": {Path(*(p for p in parts if not p.startswith(STAGING_MARK)))}" if parts else ""
    return f"error: {exc.strerror or exc}{where}"


class Publication(contextlib.ExitStack):
    """Outputs staged and published together, or not at all: what is left is removed on exit."""

    def __init__(self) -> None:
        super().__init__()
        self._staged: list[tuple[Path, Path]] = []  # (staging folder, target folder)

    def __exit__(self, *exc_info: Any) -> bool:
        with signals_held():  # removing the staging folders is never cut short
            return super().__exit__(*exc_info)

    def files(self, folder: Path) -> Path:
        """A staging folder ``folder/.staging-PID-XXXX``: its files replace their namesakes."""
        remove_stale(folder)
        with signals_held():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                staged = Path(tempfile.mkdtemp(prefix=f"{STAGING_MARK}{os.getpid()}-", dir=folder))
            except OSError as exc:
                raise InputError(f"cannot write to the folder {folder}: "
                                 f"{exc.strerror or exc}") from None
            self.callback(shutil.rmtree, staged, ignore_errors=True)
            self._staged.append((staged, folder))
        return staged

    def folder(self, target: Path) -> Path:
        """A staging folder that will replace the folder ``target`` whole."""
        staged = self.files(target.parent) / target.name
        staged.mkdir()  # its mode follows the umask
        return staged

    def publish(self) -> list[Path]:
        """Move everything staged into place (folders locked, signals held), or undo it all."""
        moves = [(item, folder / item.name)
                 for staged, folder in self._staged for item in sorted(staged.iterdir())]
        for item, final in moves:
            fits = final.is_dir() if item.is_dir() else final.is_file()
            if final.is_symlink() or (final.exists() and not fits):
                kind = "a folder" if item.is_dir() else "a regular file"
                raise InputError(f"{final} exists and is not {kind}; not replacing it")
        undo: list[tuple[Path, Path]] = []  # renames that put things back, last first
        with signals_held(), contextlib.ExitStack() as locks:
            for folder in sorted({folder.resolve() for _, folder in self._staged}):
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                locks.callback(os.close, fd)  # closing releases the lock
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                for item, final in moves:  # what it replaces waits in the staging folder
                    old = item.with_name(f".{item.name}.previous")
                    if final.is_dir():
                        os.replace(final, old)
                        undo.append((old, final))
                    elif final.exists():  # a hard link keeps it: no reader finds it missing
                        with contextlib.suppress(OSError):  # no hard links: not undoable
                            os.link(final, old)
                            undo.append((old, final))
                    replaces = final.exists()
                    os.replace(item, final)
                    if not replaces:
                        undo.append((final, item))
            except BaseException:
                for source, destination in reversed(undo):
                    os.replace(source, destination)
                raise
            self.close()
        return [final for _, final in moves]


def write_files(folder: Path, files: Mapping[str, Callable[[Path], object] | bytes | str],
                inputs: Iterable[Path] = (), option: str = "the output folder") -> list[Path]:
    """Write ``files`` (name: bytes, UTF-8 text or a function writing the path it is given)
    into ``folder`` all-or-nothing; ``inputs`` may not be among them; ``option`` names it."""
    created = not Path(folder).exists()
    folder = check_folder(folder, option)
    try:
        check_not_input(inputs, [folder / name for name in files])
        with Publication() as publication:
            staged, name = publication.files(folder), ""
            try:
                for name, content in files.items():
                    if callable(content):
                        content(staged / name)
                    else:
                        data = content.encode("utf-8") if isinstance(content, str) else content
                        (staged / name).write_bytes(data)
                return publication.publish()
            except OSError as exc:  # one line naming the file, never a staging name
                target = folder / Path(exc.filename or name).name
                raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        if created:  # a folder made for this run and left empty goes too
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
