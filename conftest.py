"""Test-run settings for the whole repository (tests/ and the notebooks under nbval).

pytest-randomly shuffles the tests (``make test`` runs them in a random order, so no test
may depend on another's leftovers); a notebook's cells, which nbval runs as one test
each in one kernel, must still run together and in order. With ``--dist loadfile`` the
heaviest files are handed to the workers first.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put each notebook's cells back together, in notebook order, where its first one is."""
    cells: dict[pytest.Collector, list[pytest.Item]] = {}
    for item in items:
        if hasattr(item, "cell_num") and item.parent is not None:
            cells.setdefault(item.parent, []).append(item)
    if not cells:
        return
    ordered: list[pytest.Item] = []
    for item in items:
        group = cells.pop(item.parent, None) if hasattr(item, "cell_num") else None
        if group is not None:
            ordered.extend(sorted(group, key=lambda cell: cell.cell_num))
        elif not hasattr(item, "cell_num"):
            ordered.append(item)
    items[:] = ordered


@pytest.fixture(autouse=True)
def _matplotlib_settings_restored():
    """No test leaves matplotlib's global settings (rcParams) changed for the tests after it."""
    import matplotlib

    with matplotlib.rc_context():
        yield


# Rough seconds each file takes on an idle 2-core machine, for those over two seconds. xdist's
# loadfile hands out the files with the most tests first, so these (a few tests each, but a
# server, a browser or kernels) came last, and one worker ran them while the other had nothing
# left to do. Each notebook under nbval starts a kernel: a few seconds. The rest are quick.
HEAVY_FILES = {
    "tests/test_report.py": 14, "tests/test_jupyterlab.py": 11, "tests/test_site_browser.py": 9,
    "tests/test_segment.py": 5, "notebooks/03-words.ipynb": 5, "tests/test_cli.py": 4,
    "tests/test_nb03_claims.py": 2.5,
}


def _seconds(path: str, tests: int) -> float:
    """The guessed cost of one test file (or notebook) with ``tests`` tests."""
    return HEAVY_FILES.get(path, 3 if path.endswith(".ipynb") else tests / 200)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile``, each file still on one worker, the heaviest handed out first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class HeaviestFirst(LoadFileScheduling):
        ordered = False

        def _assign_work_unit(self, node) -> None:  # the first call has the whole queue
            if not self.ordered:
                units = sorted(self.workqueue.items(), key=lambda u: -_seconds(u[0], len(u[1])))
                self.workqueue.clear()
                self.workqueue.update(units)
                self.ordered = True
            super()._assign_work_unit(node)

    return HeaviestFirst(config, log)
