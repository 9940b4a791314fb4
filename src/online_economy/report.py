"""The main command: processed tables, every notebook re-run, an offline HTML site."""

import argparse
import asyncio
import functools
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from online_economy import paths, source
from online_economy.cli import OneLineParser, run_command
from online_economy.errors import InputError
from online_economy.publish import Interrupted, Publication, check_folder, exit_quietly

_QUIET = logging.Logger("online_economy.report.kernels", logging.CRITICAL + 1)  # says nothing

# Run silently in each kernel first: staging folders for figures and tables, the common imports.
KERNEL_SETUP = ("import matplotlib.pyplot, pandas, pathlib, online_economy.paths as _oe_paths\n"
                "_oe_paths.FIGURES = pathlib.Path({figures!r})\n"
                "_oe_paths.PROCESSED = pathlib.Path({processed!r})\n"
                "del matplotlib, pandas, pathlib, _oe_paths\n")


class NotebookFailed(Exception):
    """A notebook stopped on an error; ``str()`` is the one-line report."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook as nbformat v4 with a list of cells, or InputError if it is not one."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # unreadable, not UTF-8, not JSON, JSON nbformat cannot convert
        raise InputError(f"cannot read the notebook {path}: {exc}") from None
    if not isinstance(nb.get("cells"), list):
        raise InputError(f"{path} is not a notebook (no list of cells)")
    return nb


def kernel_env() -> dict[str, str]:
    """Kernel environment: IPython, matplotlib state in CACHE; MPLBACKEND unset (inline figures)."""
    env = {name: value for name, value in os.environ.items() if name != "MPLBACKEND"}
    return {"IPYTHONDIR": str(paths.CACHE / "ipython"),
            "MPLCONFIGDIR": str(paths.CACHE / "matplotlib"), **env}


def kernel_manager() -> AsyncKernelManager:
    """A manager for one fresh python3 kernel of this environment, files under CACHE."""
    runtime = paths.CACHE / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    return AsyncKernelManager(kernel_name="python3", transport_encryption="auto",
                              connection_file=str(runtime / f"kernel-{os.urandom(6).hex()}.json"))


class _Client(NotebookClient):
    """Runs ``setup``, then the cells once ``ready`` is done; leaves Ctrl-C to the command."""

    setup = ""
    ready: Future[Any] | None = None

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs: Any) -> AsyncIterator[None]:
        """Start the kernel, run ``setup``, await ``ready``; kill the kernel at the end."""
        try:
            await self.async_start_new_kernel(**kwargs)
            kc = await self.async_start_new_kernel_client()
            reply = await self.async_wait_for_reply(kc.execute(self.setup, silent=True)) or {}
            if reply.get("content", {}).get("status") != "ok":
                raise RuntimeError(f"kernel setup failed: {reply.get('content', {}).get('evalue')}")
            if self.ready is not None:
                await asyncio.wrap_future(self.ready)
            yield
        finally:
            if self.km is not None:
                await asyncio.shield(self._async_cleanup_kernel())


async def execute_notebook(path: Path, setup: str = "",
                           ready: Future[Any] | None = None) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel (cwd: its folder): ``setup``, cells after ``ready``."""
    nb, begun = read_notebook(path), []  # the cells begun: if one fails, it is the last
    client = _Client(nb, kernel_manager(), timeout=600, startup_timeout=120, record_timing=False,
                     log=_QUIET, shutdown_kernel="immediate",  # and no SQLite input history:
                     extra_arguments=["--HistoryManager.enabled=False"],
                     resources={"metadata": {"path": str(path.parent)}},
                     on_cell_start=lambda cell, cell_index: begun.append(cell_index))
    client.setup, client.ready = setup, ready
    try:
        return await client.async_execute(
            env=kernel_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception as exc:  # an error in a cell; or the kernel did not start, died, ...
        ename = getattr(exc, "ename", type(exc).__name__)
        if ename == "KeyboardInterrupt":  # the kernel was sent Ctrl-C itself
            raise Interrupted() from None
        where = ""
        if begun:  # the line: the innermost frame of this cell in its traceback
            cell = nb.cells[begun[-1]]
            lines = cell.source.splitlines()
            blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
            frames = re.findall(rf"Cell In\[{cell.execution_count}\], line (\d+)",  # IPython's
                                re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", str(exc)))  # traceback
            number = int(frames[-1]) + blank if frames else None  # IPython skips leading blanks
            shown = number - 1 if number and number <= len(lines) else blank  # or the first
            text = lines[shown].strip() if lines else ""
            where = f" at cell {begun[-1] + 1} of {len(nb.cells)}"
            where += (f", line {number}" if number else "") + (f" ({text})" if text else "")
        evalue = " ".join(getattr(exc, "evalue", str(exc)).split())
        raise NotebookFailed(f"{path.name} failed{where}: {ename}: {evalue}") from None


async def execute_all(notebooks: Sequence[Path], jobs: int,
                      done: Callable[[int, Path, nbformat.NotebookNode, float], None],
                      setup: str = "", ready: Future[Any] | None = None) -> None:
    """Run the notebooks, ``jobs`` kernels at once, their cells once ``ready`` is done; those
    others ``need`` first, and those the moment their needs end. Call ``done(i, path, nb,
    seconds)`` as each ends; a failure cancels those after it (the first in order is raised)."""
    meta = [read_notebook(path).metadata.get("online_economy", {}) for path in notebooks]
    needs = [{k for k, p in enumerate(notebooks) if p.stem in m.get("needs", [])} for m in meta]
    wanted = set().union(*needs)  # these first, then those that need others, then the rest
    order = sorted(range(len(notebooks)), key=lambda i: (i not in wanted, not needs[i], i))
    turn, waiting, started, ended = asyncio.Condition(), set(order), set(), set()

    async def one(i: int, path: Path) -> None:
        try:
            async with turn:  # a free kernel goes to the first in ``order`` whose needs ended
                try:
                    await turn.wait_for(lambda: len(started - ended) < jobs and i == min(
                        (j for j in waiting if ended >= needs[j]), key=order.index, default=-1))
                    started.add(i)
                finally:
                    waiting.remove(i)
                    turn.notify_all()
            start = time.perf_counter()
            try:
                nb = await execute_notebook(path, setup, ready)
            finally:
                async with turn:
                    ended.add(i)
                    turn.notify_all()
            done(i, path, nb, time.perf_counter() - start)
        except Exception:
            for later in tasks[i + 1:]:
                later.cancel()
            raise

    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)  # Ctrl-C: quiet
    tasks = [asyncio.ensure_future(one(i, path)) for i, path in enumerate(notebooks)]
    try:
        if ready is not None:  # its error, if any, is the one to report
            await asyncio.wrap_future(ready)
        for task in tasks:
            await task
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options; bad ones are one ``error:`` line and status 2."""
    p = OneLineParser(prog="python -m online_economy.report", description=__doc__.splitlines()[0])
    p.add_argument("--in-place", action="store_true", help="write the executed notebooks back")
    p.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 1,  # keeps the cores busy
                   help="notebooks run at once (default: one more than the cores)")
    p.add_argument("--no-execute", action="store_true", help="render the stored outputs only")
    p.add_argument("--notebooks", default=paths.ROOT / "notebooks", help="folder of NN-*.ipynb")
    p.add_argument("--html", default=paths.REPORTS / "html", help="where the HTML site goes")
    p.add_argument("--processed", default=paths.PROCESSED, help="where the processed tables go")
    p.add_argument("--figures", default=paths.FIGURES, help="figures folder copied into the site")
    args = p.parse_args(argv)
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {args.jobs}")
    if args.in_place and args.no_execute:
        raise InputError("--in-place and --no-execute cannot be combined")
    for option in ("html", "processed", "figures", "notebooks"):
        setattr(args, option, check_folder(getattr(args, option), f"--{option}"))
    html = args.html  # replaced whole: it must be new, empty or a site, and hold no inputs
    for folder in (args.notebooks, args.processed, args.figures, Path.cwd()):
        if html.resolve() in (folder.resolve(), *folder.resolve().parents):
            raise InputError(f"--html {html} would replace {folder}; choose a folder of its own")
    held = {p.name for p in html.iterdir()} if html.is_dir() else set()
    others = {name for name in held if not name.endswith(".html")} - {"fonts", "figures"}
    if held and ("index.html" not in held or others):
        raise InputError(f"--html {html} is not empty and holds no site (index.html, *.html, "
                         "fonts/, figures/ only); choose a new or empty folder")
    return args


def _prepare(processed: Path) -> tuple[list[Path], Any, str, Callable[..., Any]]:
    """The processed tables, the glossary, the transcript page and a notebook page renderer."""
    from online_economy import glossary, tables, website  # slow imports, so in a thread

    written = tables.write_processed(processed)
    terms = glossary.glossary_table(turns=tables.raw_parsed().turns_frame())
    render = functools.partial(website.render_page, exp=website.exporter())
    return written, terms, website.render_transcript(processed), render


def run(args: argparse.Namespace) -> int:
    """Do the work for parsed ``args`` (all published together); return the exit status."""
    start = time.perf_counter()
    source.load_raw()  # InputError (exit 2) if the raw transcript is not the recorded one
    if not args.notebooks.is_dir():
        raise InputError(f"no such notebook folder: {args.notebooks}")
    notebooks = sorted(args.notebooks.glob(paths.NOTEBOOK_GLOB))
    if not notebooks:
        raise InputError(f"no notebooks matching {paths.NOTEBOOK_GLOB} in {args.notebooks}")
    with Publication() as publication:
        figures, processed = (publication.files(f) for f in (args.figures, args.processed))
        for folder, staged in ((args.figures, figures), (args.processed, processed)):
            for item in (i for i in folder.iterdir() if i.is_file() and not i.name.startswith(".")):
                shutil.copy2(item, staged)  # the notebooks add to the files there
        html = publication.folder(args.html)
        in_place = publication.files(args.notebooks) if args.in_place else None
        worker = ThreadPoolExecutor(max_workers=1)  # shut down (pending work cancelled) first:
        publication.callback(worker.shutdown, cancel_futures=True)
        prepared = worker.submit(_prepare, processed)  # while the kernels start
        pages: dict[int, Future[Any]] = {}  # by notebook, rendered as each one ends

        def page(i: int, path: Path, nb: nbformat.NotebookNode, seconds: float = -1) -> None:
            pages[i] = worker.submit(prepared.result()[-1], path, nb)
            note = "stored outputs" if seconds < 0 else f"ok  {seconds:.1f} s"
            print(f"[{len(pages)}/{len(notebooks)}] {path.name}  {note}", flush=True)
            if in_place is not None:  # staged when its bytes (as nbformat writes them) change
                data = (nbformat.writes(nb).rstrip("\n") + "\n").encode()
                if path.read_bytes() != data:
                    (in_place / path.name).write_bytes(data)

        if args.no_execute:
            for i, path in enumerate(notebooks):
                page(i, path, read_notebook(path))
        else:
            setup = KERNEL_SETUP.format(figures=str(figures), processed=str(processed))
            try:
                asyncio.run(execute_all(notebooks, args.jobs, page, setup, prepared))
            except NotebookFailed as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
        if in_place is not None:
            print(f"in place: {len(os.listdir(in_place))} of {len(notebooks)} notebooks changed")
        from online_economy import findings, website

        written, terms, transcript, _ = prepared.result()
        # findings.json as notebook 06 wrote it, or (--no-execute) as copied from --processed
        found = findings.load_findings(processed / findings.FINDINGS_PATH.name)
        website.write_site([pages[i].result() for i in sorted(pages)], html,
                           [item["en"] for item in found], figures, terms, transcript)
        publication.publish()
    shown = [os.path.relpath(p) for p in (args.html / "index.html", args.processed, args.figures)]
    print(f"done in {time.perf_counter() - start:.1f} s: site {shown[0]}, {len(written)} tables"
          f" in {shown[1]}, figures {shown[2]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: status 2 for bad input, 1 for a failing notebook, 130 / 143 on a signal."""
    return run_command(lambda: run(parse_args(argv)))


if __name__ == "__main__":
    exit_quietly(main())
