"""The three categories, twelve domains, domain terms and named entities (data/reference)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv

ENTITY_KINDS = frozenset(
    {"company", "platform", "product", "hospital", "government_body", "event", "document", "outlet"}
)
TERM_BASES = frozenset({"name", "editorial"})
DOMAIN_BASES = frozenset({"transcript", "editorial"})

_COLUMNS: dict[str, dict[str, str]] = {
    "categories": {
        "id": "string", "order": "int64", "name_zh": "string", "gloss_en": "string",
        "emphasis": "string", "definition_zh": "string", "definition_en": "string",
        "name_start": "Int64", "name_end": "Int64", "definition_start": "Int64",
        "definition_end": "Int64", "emphasis_start": "Int64", "emphasis_end": "Int64",
        "paragraph_start": "Int64", "paragraph_end": "Int64", "colour": "string",
        "hatch": "string",
    },
    "domains": {
        "id": "string", "order": "int64", "name_zh": "string", "name_en": "string",
        "category": "string", "assign_start": "Int64", "assign_end": "Int64",
        "source_note": "string",
    },
    "domain_terms": {
        "term": "string", "domain": "string", "basis": "string", "note": "string",
        "rationale": "string",
    },
    "entities": {
        "name": "string", "kind": "string", "domain": "string", "domain_basis": "string",
        "category": "string", "first_start": "Int64", "first_end": "Int64",
        "mentions": "int64", "note": "string",
    },
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "categories": ("id", "name_zh", "gloss_en", "emphasis", "definition_zh", "colour"),
    "domains": ("id", "name_zh", "name_en", "source_note"),
    "domain_terms": ("term", "domain", "basis"),
    "entities": ("name", "kind", "first_start", "first_end"),
}


def _fail(path: Path, row: int | None, message: str) -> InputError:
    """An InputError naming the file and (1-based, header = line 1) CSV line."""
    where = f"{path.name}" if row is None else f"{path.name} line {row + 2}"
    return InputError(f"{where}: {message}")


def _read(stem: str, folder: Path | None = None) -> pd.DataFrame:
    """Read ``<stem>.csv`` (:func:`reference.read_csv`), check required cells, cast the dtypes."""
    path = (folder or paths.REFERENCE) / f"{stem}.csv"
    columns = _COLUMNS[stem]
    frame = read_csv(path, list(columns))
    for i, row in enumerate(frame.itertuples(index=False)):
        for col in _REQUIRED[stem]:
            if not getattr(row, col).strip():
                raise _fail(path, i, f"empty {col}")
    for col, dtype in columns.items():
        values = frame[col]
        if dtype in ("Int64", "int64"):
            bad = [i for i, v in enumerate(values) if v and not v.isdigit()]
            if bad:
                raise _fail(path, bad[0], f"{col} is not a non-negative integer")
            if dtype == "int64" and any(v == "" for v in values):
                raise _fail(path, values.tolist().index(""), f"empty {col}")
            frame[col] = pd.array([int(v) if v else None for v in values], dtype=dtype)
        else:
            frame[col] = pd.array([v if v else None for v in values], dtype="string")
    return frame


def _unique(frame: pd.DataFrame, col: str, path: Path) -> None:
    """Fail on the first repeated value of ``col``."""
    dupes = frame[col].duplicated()
    if dupes.any():
        row = int(dupes.to_numpy().nonzero()[0][0])
        raise _fail(path, row, f"duplicate {col} {frame[col].iloc[row]!r}")


def _members(
    frame: pd.DataFrame, col: str, allowed: Iterable[str], path: Path, optional: bool
) -> None:
    """Fail on the first value of ``col`` outside ``allowed`` (empty ok if optional)."""
    allowed = set(allowed)
    for row, value in enumerate(frame[col]):
        if pd.isna(value):
            if not optional:
                raise _fail(path, row, f"empty {col}")
        elif value not in allowed:
            raise _fail(path, row, f"unknown {col} {value!r}")


def load_categories(folder: Path | None = None) -> pd.DataFrame:
    """categories.csv: the transcript's three categories, in order."""
    frame = _read("categories", folder)
    path = Path(frame.attrs["path"])
    _unique(frame, "id", path)
    return frame.sort_values("order", kind="stable").reset_index(drop=True)


def load_domains(folder: Path | None = None) -> pd.DataFrame:
    """domains.csv: the action plan's twelve domains, in the plan's order."""
    frame = _read("domains", folder)
    path = Path(frame.attrs["path"])
    _unique(frame, "id", path)
    _members(frame, "category", load_categories(folder)["id"], path, optional=True)
    for row in range(len(frame)):
        placed = not pd.isna(frame["category"].iloc[row])
        cited = not pd.isna(frame["assign_start"].iloc[row])
        if placed != cited:
            raise _fail(path, row, "category and assign_start/assign_end must be given together")
    return frame.sort_values("order", kind="stable").reset_index(drop=True)


def load_domain_terms(folder: Path | None = None) -> pd.DataFrame:
    """domain_terms.csv: words that point to a domain (its name, or an editorial choice)."""
    frame = _read("domain_terms", folder)
    path = Path(frame.attrs["path"])
    _unique(frame, "term", path)
    _members(frame, "domain", load_domains(folder)["id"], path, optional=False)
    _members(frame, "basis", TERM_BASES, path, optional=False)
    for row in range(len(frame)):
        editorial = frame["basis"].iloc[row] == "editorial"
        if editorial and pd.isna(frame["rationale"].iloc[row]):
            raise _fail(path, row, "editorial term without a rationale")
    return frame


def load_entities(folder: Path | None = None) -> pd.DataFrame:
    """entities.csv: every named company, platform, body, event, document and outlet."""
    frame = _read("entities", folder)
    path = Path(frame.attrs["path"])
    _unique(frame, "name", path)
    _members(frame, "kind", ENTITY_KINDS, path, optional=False)
    _members(frame, "domain", load_domains(folder)["id"], path, optional=True)
    _members(frame, "category", load_categories(folder)["id"], path, optional=True)
    _members(frame, "domain_basis", DOMAIN_BASES, path, optional=True)
    for row in range(len(frame)):
        if pd.isna(frame["domain"].iloc[row]) != pd.isna(frame["domain_basis"].iloc[row]):
            raise _fail(path, row, "domain and domain_basis must be given together")
    return frame


def versions(*stems: str) -> tuple[tuple[int, int], ...]:
    """(mtime, size) of each reference file: a cache key that changes when a file is edited."""
    stats = [(paths.REFERENCE / f"{stem}.csv").stat() for stem in stems]
    return tuple((st.st_mtime_ns, st.st_size) for st in stats)


def _category_map() -> dict[str, str | None]:
    """Domain id -> category id (None when the transcript does not place it)."""
    return _category_map_of(versions("categories", "domains"))


@lru_cache(maxsize=4)
def _category_map_of(_versions: tuple[tuple[int, int], ...]) -> dict[str, str | None]:
    """The work of :func:`_category_map` for one version of the files."""
    domains = load_domains()
    return {
        d: (None if pd.isna(c) else str(c))
        for d, c in zip(domains["id"], domains["category"], strict=True)
    }


def category_of(domain_id: str) -> str | None:
    """The category the transcript assigns to ``domain_id``, or None if it does not."""
    mapping = _category_map()
    if domain_id not in mapping:
        raise InputError(f"unknown domain id {domain_id!r}")
    return mapping[domain_id]


MENTION_BASES = ("name", "editorial", "entity")


def mention_patterns() -> tuple[tuple[str, str, str, str], ...]:
    """(surface, domain id, basis, linked_by) for every string that points to a domain.

    ``basis`` is ``name`` (the domain's name as the plan words it), ``editorial`` (a term the
    project links) or ``entity`` (a named company, platform or body linked to the domain);
    ``linked_by`` is ``transcript`` where the transcript itself makes the link (a name, or an
    entity it ties to the domain) and ``project`` where the project does. Longest first.
    """
    return _mention_patterns_of(versions("categories", "domains", "domain_terms", "entities"))


@lru_cache(maxsize=4)
def _mention_patterns_of(
    _versions: tuple[tuple[int, int], ...],
) -> tuple[tuple[str, str, str, str], ...]:
    """The work of :func:`mention_patterns` for one version of the files."""
    rows: dict[str, tuple[str, str, str]] = {}

    def add(surface: str, domain: str, basis: str, linked_by: str) -> None:
        if rows.setdefault(surface, (domain, basis, linked_by))[0] != domain:
            raise InputError(f"{surface!r} points to both {rows[surface][0]} and {domain}")

    domains = load_domains()
    for name, domain in zip(domains["name_zh"], domains["id"], strict=True):
        add(str(name), str(domain), "name", "transcript")
    terms = load_domain_terms()
    for term, domain, basis in zip(terms["term"], terms["domain"], terms["basis"], strict=True):
        add(str(term), str(domain), str(basis), "transcript" if basis == "name" else "project")
    entities = load_entities()
    linked = entities[entities["domain"].notna()]
    for name, domain, how in zip(
        linked["name"], linked["domain"], linked["domain_basis"], strict=True
    ):
        add(str(name), str(domain), "entity", "transcript" if how == "transcript" else "project")
    return tuple(
        (surface, *rows[surface]) for surface in sorted(rows, key=lambda s: (-len(s), s))
    )


def domain_patterns() -> tuple[tuple[str, str], ...]:
    """(surface string, domain id) pairs, longest first: names, terms, linked entities."""
    return tuple((surface, domain) for surface, domain, _, _ in mention_patterns())


def find_longest(
    text: str, patterns: Iterable[tuple[str, str]]
) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``(surface, label)`` patterns as (start, end, label).

    Longer surfaces win over shorter ones they overlap (ties: alphabetical); sorted by start.
    """
    taken = [False] * len(text)
    found: list[tuple[int, int, str]] = []
    for surface, label in sorted(set(patterns), key=lambda p: (-len(p[0]), p[0], p[1])):
        if not surface:
            raise InputError("an empty pattern matches everywhere")
        start = text.find(surface)
        while start >= 0:
            end = start + len(surface)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(surface)
                found.append((start, end, label))
            start = text.find(surface, start + 1)
    return sorted(found)


def find_mentions(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every domain mention in ``text`` as (start, end, domain id, basis, linked_by)."""
    info = {surface: (domain, basis, by) for surface, domain, basis, by in mention_patterns()}
    return [
        (start, end, *info[label]) for start, end, label in
        find_longest(text, ((surface, surface) for surface in info))
    ]


def find_domains(text: str) -> list[tuple[int, int, str]]:
    """Every non-overlapping mention of a domain in ``text`` as (start, end, domain id).

    Longer surface strings win over shorter ones they overlap; the result is sorted.
    """
    return find_longest(text, domain_patterns())
