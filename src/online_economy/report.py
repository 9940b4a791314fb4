"""The main command: processed tables, every notebook re-run, an offline HTML site.

``python -m online_economy.report [--in-place] [--jobs N] [--no-execute]
[--notebooks DIR] [--html DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 600  # seconds for one cell
STARTUP_TIMEOUT = 120  # seconds for a kernel to start


@dataclass
class NotebookFailed(Exception):
    """A notebook stopped on an error; ``str()`` is the one-line report."""

    notebook: str
    cell_index: int | None
    first_line: str
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = "" if self.cell_index is None else f", cell {self.cell_index}"
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


class _Client(NotebookClient):
    """A NotebookClient that names the failing cell and keeps its files under CACHE."""

    def create_kernel_manager(self) -> AsyncKernelManager:
        self.km = kernel_manager()
        return self.km

    async def async_execute_cell(
        self, cell: Any, cell_index: int, execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        try:
            return await super().async_execute_cell(
                cell, cell_index, execution_count, store_history
            )
        except CellExecutionError as exc:
            raise _CellFailed(cell_index, cell.source, exc.ename, exc.evalue) from None
        except (TimeoutError, RuntimeError) as exc:
            raise _CellFailed(cell_index, cell.source, type(exc).__name__, str(exc)) from None


@dataclass
class _CellFailed(Exception):
    index: int
    source: str
    ename: str
    evalue: str


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return lines[0] if lines else ""


async def execute_notebook(path: Path, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Run a copy of the notebook at ``path`` in a fresh kernel (cwd = its folder)."""
    nb = read_notebook(path)
    client = _Client(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=KERNEL,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        await client.async_execute(env=kernel_env())
    except _CellFailed as exc:
        raise NotebookFailed(
            path.name, exc.index, _first_line(exc.source), exc.ename, _one_line(exc.evalue)
        ) from None
    except Exception as exc:  # kernel did not start, died between cells, ...
        raise NotebookFailed(path.name, None, "", type(exc).__name__, _one_line(str(exc))) from None
    return nb


def _one_line(text: str) -> str:
    return " ".join(text.split())


async def execute_all(
    notebooks: Sequence[Path],
    jobs: int,
    done: Callable[[int, Path, float, nbformat.NotebookNode], None] | None = None,
) -> list[nbformat.NotebookNode]:
    """Run every notebook, at most ``jobs`` at once; ``done`` is called in notebook order.

    The first failure cancels the others (their kernels are shut down) and is raised.
    """
    gate = asyncio.Semaphore(max(1, jobs))

    async def one(path: Path) -> tuple[nbformat.NotebookNode, float]:
        async with gate:
            start = time.perf_counter()
            nb = await execute_notebook(path)
            return nb, time.perf_counter() - start

    tasks = [asyncio.ensure_future(one(p)) for p in notebooks]
    results: list[nbformat.NotebookNode] = []
    try:
        pending = set(tasks)
        for i, task in enumerate(tasks):
            while not task.done():
                finished, pending = await asyncio.wait(
                    pending, return_when=asyncio.FIRST_COMPLETED
                )
                for other in finished:
                    if other.exception() is not None:
                        raise other.exception()  # type: ignore[misc]
            nb, seconds = task.result()
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


def write_in_place(path: Path, nb: nbformat.NotebookNode) -> bool:
    """Write ``nb`` to ``path`` only if the bytes change; return whether it was written."""
    data = notebook_bytes(nb)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def tables_and_findings(out_dir: Path) -> tuple[list[Path], list[str], pd.DataFrame]:
    """Write the processed tables; compute the key findings and the glossary table."""
    from online_economy.findings import key_findings
    from online_economy.glossary import glossary_table
    from online_economy.tables import raw_parsed, write_processed

    written = list(write_processed(out_dir))
    glossary = glossary_table(turns=raw_parsed().turns_frame())
    return written, [str(line) for line in key_findings()], glossary


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
    p.add_argument("--notebooks", type=Path, default=paths.ROOT / "notebooks",
                   help="folder of NN-*.ipynb notebooks")
    p.add_argument("--html", type=Path, default=paths.REPORTS / "html",
                   help="where the HTML site goes")
    p.add_argument("--processed", type=Path, default=paths.PROCESSED,
                   help="where the processed tables go")
    p.add_argument("--figures", type=Path, default=paths.FIGURES,
                   help="figures folder copied into the site")
    args = p.parse_args(argv)
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, not {args.jobs}")
    if args.in_place and args.no_execute:
        raise InputError("--in-place and --no-execute cannot be combined")
    if args.html.exists() and not args.html.is_dir():
        raise InputError(f"--html is not a folder: {args.html}")
    return args


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> int:
    """Do the work for parsed ``args``; return the exit status.

    The tables, the findings and each notebook's HTML page are made in a worker thread
    while the kernels run, so the main process's work overlaps the notebooks'.
    """
    from online_economy import site  # nbconvert is slow to import

    start = time.perf_counter()
    notebooks = find_notebooks(args.notebooks)
    n = len(notebooks)
    with ThreadPoolExecutor(max_workers=1) as worker:
        side = worker.submit(tables_and_findings, args.processed)
        exp = site.exporter()
        pages: list[Future[tuple[site.Page, str]]] = []

        def done(i: int, path: Path, seconds: float, nb: nbformat.NotebookNode) -> None:
            print(f"[{i + 1}/{n}] {path.name}  ok  {seconds:.1f} s", flush=True)
            pages.append(worker.submit(site.render_page, path, nb, exp))

        if args.no_execute:
            for i, path in enumerate(notebooks):
                print(f"[{i + 1}/{n}] {path.name}  stored outputs", flush=True)
                pages.append(worker.submit(site.render_page, path, read_notebook(path), exp))
        else:
            warm_matplotlib_cache(kernel_env())
            try:
                executed = asyncio.run(execute_all(notebooks, args.jobs, done))
            except NotebookFailed as exc:
                side.cancel()
                print(f"error: {exc}", file=sys.stderr)
                return 1
            if args.in_place:
                changed = [p.name for p, nb in zip(notebooks, executed, strict=True)
                           if write_in_place(p, nb)]
                print(f"in place: {len(changed)} of {n} notebooks changed")
        tables, lines, glossary = side.result()
        rendered = [page.result() for page in pages]
    print(f"tables: {len(tables)} written to {_shown(args.processed)}")
    site.write_site(rendered, args.html, lines, args.figures, glossary, args.processed)
    print(f"done in {time.perf_counter() - start:.1f} s: site {_shown(args.html / 'index.html')}"
          f", tables {_shown(args.processed)}, figures {_shown(args.figures)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``error: ...`` and status 2 for bad input, 1 for a failing notebook."""
    try:
        return run(parse_args(argv))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
