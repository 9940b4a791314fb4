"""Test-run settings for the whole repository (tests/ and the notebooks under nbval).

pytest-randomly shuffles the tests (``make test`` runs them in a random order, so no test
may depend on another's leftovers); a notebook's cells, which nbval runs as one test
each in one kernel, must still run together and in order.
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
