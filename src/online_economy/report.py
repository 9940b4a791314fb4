"""The main command: processed tables, every notebook re-run, an offline HTML site
(``python -m online_economy.report [--in-place] [--jobs N] [--no-execute] ...``)."""

import argparse
import asyncio
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from online_economy import paths
from online_economy.cli import run_command
from online_economy.errors import InputError
from online_economy.publish import Interrupted, Publication, check_folder, exit_quietly

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
CELL_TIMEOUT = 600  # seconds for one cell
STARTUP_TIMEOUT = 120  # seconds for a kernel to start
_QUIET = logging.Logger("online_economy.report.kernels", logging.CRITICAL + 1)  # says nothing

# Run silently in each kernel first: the notebooks' figures and tables go to staging folders.
KERNEL_SETUP = ("import online_economy.paths as _oe_paths, pathlib as _oe_pathlib\n"
                "_oe_paths.FIGURES = _oe_pathlib.Path({figures!r})\n"
                "_oe_paths.PROCESSED = _oe_pathlib.Path({processed!r})\n"
                "del _oe_paths, _oe_pathlib\n")


class NotebookFailed(Exception):
    """A notebook stopped on an error; ``str()`` is the one-line report."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook as nbformat v4, or InputError if it is not one."""
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read notebook {path.name}: {exc}") from None


def kernel_env() -> dict[str, str]:
    """The kernels' environment: IPython and matplotlib state under CACHE, inline figures
    (MPLBACKEND=Agg, which the Makefile exports, would suppress them)."""
    env = {name: value for name, value in os.environ.items() if name != "MPLBACKEND"}
    return {"IPYTHONDIR": str(paths.CACHE / "ipython"),
            "MPLCONFIGDIR": str(paths.CACHE / "matplotlib"), **env}


def warm_matplotlib_cache(env: dict[str, str]) -> None:
    """Build matplotlib's font cache once, quietly, so no notebook shows that message."""
    if not any(Path(env["MPLCONFIGDIR"]).glob("fontlist-*.json")):
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def kernel_manager() -> AsyncKernelManager:
    """A manager for one fresh python3 kernel of this environment, files under CACHE."""
    runtime = paths.CACHE / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    return AsyncKernelManager(kernel_name="python3", transport_encryption="auto",
                              connection_file=str(runtime / f"kernel-{os.urandom(6).hex()}.json"))


class _Client(NotebookClient):
    """Runs ``setup`` first, remembers the failing cell, leaves Ctrl-C to the command."""

    setup = ""
    failed_at: int | None = None

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs: Any) -> AsyncIterator[None]:
        """Start the kernel and run ``setup``; always kill it at the end (nothing is left to
        do in it, and a polite shutdown costs about a second)."""
        try:
            await self.async_start_new_kernel(**kwargs)
            kc = await self.async_start_new_kernel_client()
            reply = await self.async_wait_for_reply(kc.execute(self.setup, silent=True)) or {}
            if reply.get("content", {}).get("status") != "ok":
                raise RuntimeError(f"kernel setup failed: {reply.get('content', {}).get('evalue')}")
            yield
        finally:
            if self.km is not None:
                await asyncio.shield(self._async_cleanup_kernel())

    async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any, **kw: Any) -> Any:
        self.failed_at = cell_index  # until it succeeds
        done = await super().async_execute_cell(cell, cell_index, *args, **kw)
        self.failed_at = None
        return done


async def execute_notebook(path: Path, setup: str = "") -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel (cwd: its folder), ``setup`` first, or NotebookFailed."""
    nb = read_notebook(path)
    client = _Client(nb, kernel_manager(), timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                     record_timing=False, log=_QUIET, shutdown_kernel="immediate",
                     resources={"metadata": {"path": str(path.parent)}})
    client.setup = setup
    try:
        return await client.async_execute(
            env=kernel_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception as exc:  # an error in a cell; or the kernel did not start, died, ...
        ename = getattr(exc, "ename", type(exc).__name__)
        if ename == "KeyboardInterrupt":  # the kernel was sent Ctrl-C itself
            raise Interrupted() from None
        where = ""
        if client.failed_at is not None:  # the line: the cell's innermost traceback frame
            cell, number = nb.cells[client.failed_at], None
            lines = cell.source.splitlines()
            blank = next((i for i, line in enumerate(lines) if line.strip()), 0)
            errors = [out.traceback for out in cell.outputs if out.output_type == "error"]
            if isinstance(exc, CellExecutionError) and errors:
                tb = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", "\n".join(errors[-1]))
                frames = re.findall(r"Cell In\[(\d+)\], line (\d+)", tb)  # IPython's names
                mine = [n for count, n in frames if int(count) == cell.execution_count]
                mine = mine or [n for _, n in frames]
                number = int(mine[-1]) + blank if mine else None  # IPython skips leading blanks
            shown = number - 1 if number and number <= len(lines) else blank  # or the first
            text = lines[shown].strip() if lines else ""
            where = f" at cell {client.failed_at + 1} of {len(nb.cells)}"
            where += (f", line {number}" if number else "") + (f" ({text})" if text else "")
        evalue = " ".join(getattr(exc, "evalue", str(exc)).split())
        raise NotebookFailed(f"{path.name} failed{where}: {ename}: {evalue}") from None


async def execute_all(notebooks: Sequence[Path], jobs: int,
                      done: Callable[[int, Path, nbformat.NotebookNode, float], None],
                      setup: str = "") -> None:
    """Run the notebooks, ``jobs`` at once, each after those it ``needs`` (started first), calling
    ``done(i, path, nb, seconds)`` in order; a failure cancels those after it (blamed first)."""
    gate, meta = asyncio.Semaphore(jobs), [read_notebook(path).metadata for path in notebooks]
    needs = [m.get("online_economy", {}).get("needs", []) for m in meta]

    async def one(i: int, path: Path) -> tuple[nbformat.NotebookNode, float]:
        try:
            needed = [task for p, task in zip(notebooks, tasks, strict=True) if p.stem in needs[i]]
            if needed:
                await asyncio.wait(needed)
            async with gate:
                start = time.perf_counter()
                return await execute_notebook(path, setup), time.perf_counter() - start
        except Exception:
            for later in tasks[i + 1:]:
                later.cancel()
            raise

    # Nothing is printed about the tasks a Ctrl-C stops.
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
    first = sorted(enumerate(notebooks), key=lambda n: all(n[1].stem not in x for x in needs))
    made = {i: asyncio.ensure_future(one(i, path)) for i, path in first}  # they start in this order
    tasks = [made[i] for i in sorted(made)]
    try:
        for i, (path, task) in enumerate(zip(notebooks, tasks, strict=True)):
            done(i, path, *await task)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


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
    if html.is_dir() and any(html.iterdir()) and not (html / "index.html").is_file():
        raise InputError(f"--html {html} is not empty and holds no site (no index.html); "
                         "choose a new or empty folder")
    return args


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    """Do the work for parsed ``args`` (all published together); return the exit status."""
    from online_economy import findings, glossary, source, tables, website  # nbconvert: slow

    start = time.perf_counter()
    source.load_raw()  # InputError (exit 2) if the raw transcript is not the recorded one
    if not args.notebooks.is_dir():
        raise InputError(f"no such notebook folder: {args.notebooks}")
    notebooks = sorted(args.notebooks.glob(NOTEBOOK_GLOB))
    if not notebooks:
        raise InputError(f"no notebooks matching {NOTEBOOK_GLOB} in {args.notebooks}")
    with Publication() as publication:
        figures, processed = (publication.files(f) for f in (args.figures, args.processed))
        for folder, staged in ((args.figures, figures), (args.processed, processed)):
            for item in (i for i in folder.iterdir() if i.is_file() and not i.name.startswith(".")):
                shutil.copy2(item, staged)  # the notebooks add to the files there
        html = publication.folder(args.html)
        in_place = publication.files(args.notebooks) if args.in_place else None
        written = tables.write_processed(processed)  # before any kernel reads them
        terms = glossary.glossary_table(turns=tables.raw_parsed().turns_frame())
        worker = ThreadPoolExecutor(max_workers=1)  # shut down (pending work cancelled) first:
        publication.callback(worker.shutdown, cancel_futures=True)
        transcript = worker.submit(website.render_transcript, processed)
        exp = website.exporter()
        pages = []

        def page(i: int, path: Path, nb: nbformat.NotebookNode, seconds: float = -1) -> None:
            note = "stored outputs" if seconds < 0 else f"ok  {seconds:.1f} s"
            print(f"[{i + 1}/{len(notebooks)}] {path.name}  {note}", flush=True)
            if in_place is not None:  # staged when its bytes (as nbformat writes them) change
                data = (nbformat.writes(nb).rstrip("\n") + "\n").encode()
                if path.read_bytes() != data:
                    (in_place / path.name).write_bytes(data)
            pages.append(worker.submit(website.render_page, path, nb, exp))

        if args.no_execute:
            for i, path in enumerate(notebooks):
                page(i, path, read_notebook(path))
        else:
            warm_matplotlib_cache(kernel_env())
            setup = KERNEL_SETUP.format(figures=str(figures), processed=str(processed))
            try:
                asyncio.run(execute_all(notebooks, args.jobs, page, setup))
            except NotebookFailed as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
        if in_place is not None:
            print(f"in place: {len(os.listdir(in_place))} of {len(notebooks)} notebooks changed")
        found = [] if (processed / website.FINDINGS_JSON).is_file() else findings.key_findings()
        website.write_site([future.result() for future in pages], html, found, figures, terms,
                           processed, transcript.result())
        publication.publish()
    print(f"tables: {len(written)} written to {_shown(args.processed)}")
    print(f"done in {time.perf_counter() - start:.1f} s: site {_shown(args.html / 'index.html')}"
          f", tables {_shown(args.processed)}, figures {_shown(args.figures)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: status 2 for bad input, 1 for a failing notebook, 130 / 143 on a signal."""
    return run_command(lambda: run(parse_args(argv)))


if __name__ == "__main__":
    exit_quietly(main())
