"""The main command: processed tables, every notebook re-run, an offline HTML site.

``python -m online_economy.report [--in-place] [--jobs N] [--no-execute]
[--notebooks DIR] [--html DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import nbformat
import pandas as pd
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from online_economy import paths
from online_economy.errors import InputError
from online_economy.publish import (
    Interrupted,
    Publication,
    check_folder,
)

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds for one cell
STARTUP_TIMEOUT = 120  # seconds for a kernel to start


@dataclass
class NotebookFailed(Exception):
    """A notebook stopped on an error; ``str()`` is the one-line report."""

    notebook: str
    cell_index: int | None  # 0-based position among all the notebook's cells
    first_line: str  # the line that raised (or the cell's first line if unknown)
    ename: str
    evalue: str
    line_number: int | None = None  # 1-based line in the cell
    cells: int | None = None  # number of cells in the notebook

    def __str__(self) -> str:
        where = ""
        if self.cell_index is not None:
            of = f" of {self.cells}" if self.cells else ""
            where = f" at cell {self.cell_index + 1}{of}"
            if self.line_number is not None:
                where += f", line {self.line_number}"
        line = f" ({self.first_line})" if self.first_line else ""
        return f"{self.notebook} failed{where}{line}: {self.ename}: {self.evalue}"


def find_notebooks(nb_dir: Path) -> list[Path]:
    """The analysis notebooks ``NN-*.ipynb`` in ``nb_dir``, in order."""
    if not nb_dir.is_dir():
        raise InputError(f"no such notebook folder: {nb_dir}")
    found = sorted(nb_dir.glob(NOTEBOOK_GLOB))
    if not found:
        raise InputError(f"no notebooks matching {NOTEBOOK_GLOB} in {nb_dir}")
    return found


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook as nbformat v4, or InputError if it is not one."""
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read notebook {path.name}: {exc}") from None


def kernel_env() -> dict[str, str]:
    """The kernels' environment: inline figures, IPython and matplotlib state under CACHE."""
    env = dict(os.environ)
    # MPLBACKEND=Agg (exported by the Makefile) would suppress the notebooks' inline figures.
    env.pop("MPLBACKEND", None)
    env.setdefault("IPYTHONDIR", str(paths.CACHE / "ipython"))
    env.setdefault("MPLCONFIGDIR", str(paths.CACHE / "matplotlib"))
    return env


def warm_matplotlib_cache(env: dict[str, str]) -> None:
    """Build matplotlib's font cache once, quietly, so no notebook shows that message."""
    cache = Path(env["MPLCONFIGDIR"])
    if any(cache.glob("fontlist-*.json")):
        return
    subprocess.run(
        [sys.executable, "-c", "import matplotlib.font_manager"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )


def kernel_manager() -> AsyncKernelManager:
    """A manager for one fresh python3 kernel of this environment, files under CACHE."""
    runtime = paths.CACHE / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    return AsyncKernelManager(
        kernel_name=KERNEL,
        transport_encryption="auto",
        connection_file=str(runtime / f"kernel-{uuid.uuid4().hex[:12]}.json"),
    )


_QUIET = logging.getLogger("online_economy.report.kernels")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False

# Run silently in each kernel before the first cell: the notebooks' figures and tables go
# to the report's staging folders, published only when every notebook has succeeded.
KERNEL_SETUP = """\
import online_economy.paths as _oe_paths, pathlib as _oe_pathlib
_oe_paths.FIGURES = _oe_pathlib.Path({figures!r})
_oe_paths.PROCESSED = _oe_pathlib.Path({processed!r})
del _oe_paths, _oe_pathlib
"""


class _Client(NotebookClient):
    """A NotebookClient that names the failing cell, keeps its files under CACHE, sends the
    notebooks' outputs to staging folders and leaves signals to the report command."""

    setup_code: str = ""

    def create_kernel_manager(self) -> AsyncKernelManager:
        self.km = kernel_manager()
        return self.km

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs: Any) -> AsyncIterator[None]:
        """Start the kernel; always shut it down (at once if interrupted or cancelled).

        Unlike nbclient's own version, no signal handlers are installed: Ctrl-C and
        SIGTERM belong to the report command, which stops every notebook cleanly.
        """
        if self.km is None:
            self.km = self.create_kernel_manager()
        try:
            if not self.km.has_kernel:
                await self.async_start_new_kernel(**kwargs)
            if self.kc is None:
                await self.async_start_new_kernel_client()
            if self.setup_code:
                await self._run_setup()
            yield
        except BaseException:
            self.shutdown_kernel = "immediate"
            raise
        finally:
            if self.km is not None:
                await asyncio.shield(self._async_cleanup_kernel())

    async def _run_setup(self) -> None:
        assert self.kc is not None
        msg_id = self.kc.execute(self.setup_code, silent=True, store_history=False)
        reply = await self.async_wait_for_reply(msg_id)
        if reply is None or reply["content"].get("status") != "ok":
            content = reply["content"] if reply else {}
            raise RuntimeError(
                f"kernel setup failed: {content.get('ename', '')}: {content.get('evalue', '')}"
            )

    async def async_execute_cell(
        self, cell: Any, cell_index: int, execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        try:
            return await super().async_execute_cell(
                cell, cell_index, execution_count, store_history
            )
        except CellExecutionError as exc:
            number = raising_line(cell)
            raise _CellFailed(cell_index, cell.source, exc.ename, exc.evalue, number) from None
        except (TimeoutError, RuntimeError) as exc:
            raise _CellFailed(cell_index, cell.source, type(exc).__name__, str(exc)) from None


@dataclass
class _CellFailed(Exception):
    index: int
    source: str
    ename: str
    evalue: str
    line_number: int | None = None


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")


def raising_line(cell: Any) -> int | None:
    """The 1-based line of ``cell`` that raised, read from the error's traceback.

    IPython names a cell's frames ``Cell In[N], line L``; the innermost frame of this
    cell (N = its execution count) is the line that raised.
    """
    for output in reversed(cell.get("outputs", [])):
        if output.get("output_type") != "error":
            continue
        text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
        frames = [(int(n), int(line)) for n, line in _CELL_FRAME.findall(text)]
        count = cell.get("execution_count")
        mine = [line for n, line in frames if n == count] or [line for _, line in frames]
        if not mine:
            return None
        lines = str(cell.get("source", "")).splitlines()
        blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
        return mine[-1] + blank  # IPython drops the cell's leading blank lines
    return None


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _line(source: str, number: int | None) -> str:
    """Line ``number`` (1-based) of ``source``, stripped; else the first non-blank line."""
    lines = source.splitlines()
    if number is not None and 1 <= number <= len(lines) and lines[number - 1].strip():
        return lines[number - 1].strip()
    return _first_line(source)


async def execute_notebook(
    path: Path, timeout: int = CELL_TIMEOUT, setup: str = ""
) -> nbformat.NotebookNode:
    """Run a copy of the notebook at ``path`` in a fresh kernel (cwd = its folder).

    ``setup`` is run silently in the kernel first. The kernel runs in its own session (a
    Ctrl-C in the terminal reaches only this process, which shuts the kernels down) and
    its stray output goes nowhere: what a notebook prints is in its cells.
    """
    nb = read_notebook(path)
    client = _Client(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=KERNEL,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        log=_QUIET,
    )
    client.setup_code = setup
    try:
        await client.async_execute(
            env=kernel_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except _CellFailed as exc:
        if exc.ename == "KeyboardInterrupt":  # the kernel was sent Ctrl-C itself
            raise Interrupted() from None
        raise NotebookFailed(
            path.name, exc.index, _line(exc.source, exc.line_number), exc.ename,
            _one_line(exc.evalue), exc.line_number, len(nb.cells),
        ) from None
    except Exception as exc:  # kernel did not start, died between cells, ...
        raise NotebookFailed(path.name, None, "", type(exc).__name__, _one_line(str(exc))) from None
    return nb


def _one_line(text: str) -> str:
    return " ".join(text.split())


def needs(path: Path) -> list[str]:
    """The notebooks (by stem) whose outputs ``path`` reads: metadata ``online_economy.needs``."""
    meta = read_notebook(path).metadata.get("online_economy", {})
    return [str(stem) for stem in meta.get("needs", [])]


async def execute_all(
    notebooks: Sequence[Path],
    jobs: int,
    done: Callable[[int, Path, float, nbformat.NotebookNode], None] | None = None,
    setup: str = "",
) -> list[nbformat.NotebookNode]:
    """Run every notebook, at most ``jobs`` at once; ``done`` is called in notebook order.

    When a notebook fails, the notebooks after it are cancelled (their kernels shut down)
    and those before it run to their end; the first failure in notebook order is raised,
    so the same broken notebook is blamed whatever the timing.
    """
    gate = asyncio.Semaphore(max(1, jobs))
    by_stem: dict[str, asyncio.Future[Any]] = {}

    async def one(path: Path) -> tuple[nbformat.NotebookNode, float]:
        needed = [by_stem[stem] for stem in needs(path) if stem in by_stem]
        if needed:  # the notebooks whose outputs this one reads run first
            await asyncio.wait(needed)
        async with gate:
            start = time.perf_counter()
            try:
                nb = await execute_notebook(path, setup=setup)
            except NotebookFailed:
                task = asyncio.current_task()
                if task is not None and task.cancelling():  # stopped by us, not failed
                    raise asyncio.CancelledError from None
                raise
            return nb, time.perf_counter() - start

    # What asyncio would print about tasks stopped during a Ctrl-C goes to the quiet log.
    asyncio.get_running_loop().set_exception_handler(
        lambda loop, context: _QUIET.debug("%s", context.get("message"))
    )

    tasks = [asyncio.ensure_future(one(p)) for p in notebooks]
    by_stem.update({p.stem: t for p, t in zip(notebooks, tasks, strict=True)})

    def cancel_later(i: int) -> Callable[[asyncio.Future[Any]], None]:
        def check(task: asyncio.Future[Any]) -> None:
            if not task.cancelled() and task.exception() is not None:
                for later in tasks[i + 1:]:
                    later.cancel()
        return check

    for i, task in enumerate(tasks):
        task.add_done_callback(cancel_later(i))
    results: list[nbformat.NotebookNode] = []
    try:
        for i, task in enumerate(tasks):
            nb, seconds = await task
            results.append(nb)
            if done is not None:
                done(i, notebooks[i], seconds, nb)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The notebook as nbformat writes it to disk (normalised JSON, final newline)."""
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def write_in_place(path: Path, nb: nbformat.NotebookNode, staged: Path | None = None) -> bool:
    """Write ``nb`` for ``path`` only if the bytes change; return whether it was written.

    With ``staged``, the file goes there (to be published with the rest of the report).
    """
    data = notebook_bytes(nb)
    if path.is_file() and path.read_bytes() == data:
        return False
    (path if staged is None else staged / path.name).write_bytes(data)
    return True


def processed_tables(out_dir: Path) -> tuple[list[Path], pd.DataFrame]:
    """Write the processed tables (the notebooks read them); make the glossary table."""
    from online_economy.glossary import glossary_table
    from online_economy.tables import raw_parsed, write_processed

    written = list(write_processed(out_dir))
    return written, glossary_table(turns=raw_parsed().turns_frame())


def findings_lines(processed: Path) -> list[str]:
    """The key findings as this run's notebook 06 wrote them (else the committed ones)."""
    from online_economy.findings import FINDINGS_PATH, key_findings

    staged = processed / FINDINGS_PATH.name
    return [str(line) for line in key_findings(path=staged if staged.is_file() else None)]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise InputError(message)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options (InputError on bad ones)."""
    p = _Parser(prog="python -m online_economy.report", description=__doc__.splitlines()[0])
    p.add_argument("--in-place", action="store_true",
                   help="write the executed notebooks back (maintainers)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="notebooks run at once (default: number of cores)")
    p.add_argument("--no-execute", action="store_true",
                   help="render the stored outputs without running anything")
    p.add_argument("--notebooks", default=paths.ROOT / "notebooks",
                   help="folder of NN-*.ipynb notebooks")
    p.add_argument("--html", default=paths.REPORTS / "html",
                   help="where the HTML site goes")
    p.add_argument("--processed", default=paths.PROCESSED,
                   help="where the processed tables go")
    p.add_argument("--figures", default=paths.FIGURES,
                   help="figures folder copied into the site")
    args = p.parse_args(argv)
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {args.jobs}")
    if args.in_place and args.no_execute:
        raise InputError("--in-place and --no-execute cannot be combined")
    for option in ("html", "processed", "figures", "notebooks"):
        setattr(args, option, check_folder(getattr(args, option), f"--{option}"))
    check_site_folder(args.html, [args.notebooks, args.processed, args.figures, Path.cwd()])
    return args


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def check_site_folder(html: Path, keep: Sequence[Path]) -> None:
    """The site folder is replaced whole: it must be new, empty or a site (has index.html),
    and hold none of the folders in ``keep``."""
    for folder in keep:
        if _inside(folder, html):
            raise InputError(f"--html {html} would replace {folder}; choose a folder of its own")
    if html.is_dir() and any(html.iterdir()) and not (html / "index.html").is_file():
        raise InputError(
            f"--html {html} is not empty and holds no site (no index.html); "
            "choose a new or empty folder"
        )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _stage_copy(source: Path, staged: Path) -> None:
    """Copy the files of ``source`` into ``staged`` (so a new set starts from the old one)."""
    if source.is_dir():
        for item in source.iterdir():
            if item.is_file() and not item.name.startswith("."):
                shutil.copy2(item, staged / item.name)


def check_raw() -> None:
    """InputError (exit 2) if the raw transcript is not the recorded one: checked first."""
    from online_economy.source import load_raw

    load_raw()


def run(args: argparse.Namespace) -> int:
    """Do the work for parsed ``args``; return the exit status.

    All-or-nothing: the tables, the notebooks' figures, the site (and with ``--in-place``
    the notebooks) are written to staging folders beside their targets and published
    together only when every step succeeded. The tables are written first (the notebooks
    read them); each notebook's HTML page is made in a worker thread while the kernels run; a
    notebook waits for those it ``needs`` (metadata); the findings are read last, as notebook
    06 wrote them.
    """
    from online_economy import website  # nbconvert is slow to import

    start = time.perf_counter()
    check_raw()
    notebooks = find_notebooks(args.notebooks)
    n = len(notebooks)
    with Publication() as publication:
        for folder in (args.processed, args.figures):
            folder.mkdir(parents=True, exist_ok=True)
        processed = publication.files(args.processed)
        figures = publication.files(args.figures)
        _stage_copy(args.figures, figures)
        _stage_copy(args.processed, processed)  # what notebooks write (05's table, findings)
        html = publication.folder(args.html)
        in_place = publication.files(args.notebooks) if args.in_place else None
        setup = KERNEL_SETUP.format(figures=str(figures), processed=str(processed))
        worker = ThreadPoolExecutor(max_workers=1)
        try:
            tables, glossary = processed_tables(processed)  # before any kernel reads them
            exp = website.exporter()
            pages: list[Future[tuple[website.Page, str]]] = []

            def done(i: int, path: Path, seconds: float, nb: nbformat.NotebookNode) -> None:
                print(f"[{i + 1}/{n}] {path.name}  ok  {seconds:.1f} s", flush=True)
                pages.append(worker.submit(website.render_page, path, nb, exp))

            if args.no_execute:
                for i, path in enumerate(notebooks):
                    print(f"[{i + 1}/{n}] {path.name}  stored outputs", flush=True)
                    pages.append(worker.submit(website.render_page, path, read_notebook(path), exp))
            else:
                warm_matplotlib_cache(kernel_env())
                try:
                    executed = asyncio.run(execute_all(notebooks, args.jobs, done, setup))
                except NotebookFailed as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
                if in_place is not None:
                    changed = [p.name for p, nb in zip(notebooks, executed, strict=True)
                               if write_in_place(p, nb, in_place)]
                    print(f"in place: {len(changed)} of {n} notebooks changed")
            rendered = [page.result() for page in pages]
            lines = findings_lines(processed)
        finally:
            worker.shutdown(wait=True, cancel_futures=True)
        website.write_site(rendered, html, lines, figures, glossary, processed)
        publication.publish()
    print(f"tables: {len(tables)} written to {_shown(args.processed)}")
    print(f"done in {time.perf_counter() - start:.1f} s: site {_shown(args.html / 'index.html')}"
          f", tables {_shown(args.processed)}, figures {_shown(args.figures)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``error: ...`` and status 2 for bad input, 1 for a failing notebook,
    ``interrupted`` and 130 / 143 for Ctrl-C / SIGTERM; nothing is published unless all
    succeeded."""
    from online_economy.cli import run_command

    return run_command(lambda: run(parse_args(argv)))


if __name__ == "__main__":
    from online_economy.publish import exit_quietly

    exit_quietly(main())
