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
MENTION_BASES = ("name", "editorial", "entity")
#: The columns of each file (``*``: a required cell); offsets (``*_start``, ``*_end``) are
#: nullable integers, ``order`` and ``mentions`` integers, the rest text.
_COLUMNS = {
    "categories": "id* order* name_zh* gloss_en* emphasis* definition_zh* definition_en name_start "
    "name_end definition_start definition_end emphasis_start emphasis_end paragraph_start "
    "paragraph_end colour* hatch",
    "domains": "id* order* name_zh* name_en* category assign_start assign_end source_note*",
    "domain_terms": "term* domain* basis* note rationale",
    "entities": "name* kind* domain domain_basis category first_start* first_end* mentions* note",
}
_COUNTS = ("order", "mentions")


def _fail(frame: pd.DataFrame, row: int, message: str) -> InputError:
    """An InputError naming the file and CSV line (header = line 1) of ``row``."""
    return InputError(f"{Path(frame.attrs['path']).name} line {row + 2}: {message}")


def _first(frame: pd.DataFrame, bad: pd.Series, message: str, col: str = "") -> None:
    """Fail on the first ``bad`` row; ``{}`` in ``message`` shows its ``col`` value."""
    hits = bad.to_numpy(dtype=bool, na_value=False)
    if hits.any():
        row = int(hits.argmax())
        raise _fail(frame, row, message.format(repr(frame[col].iloc[row]) if col else ""))


def _read(stem: str, folder: Path | None, unique: str) -> pd.DataFrame:
    """``<stem>.csv`` with its required cells, types and ``unique`` column checked."""
    spec = _COLUMNS[stem].split()
    columns, required = [c.rstrip("*") for c in spec], [c[:-1] for c in spec if c[-1] == "*"]
    frame = read_csv((folder or paths.REFERENCE) / f"{stem}.csv", columns)
    empty = (frame[required].apply(lambda col: col.str.strip()) == "").to_numpy()
    if empty.any():  # the first empty cell, line by line
        row, col = divmod(int(empty.argmax()), len(required))
        raise _fail(frame, row, f"empty {required[col]}")
    for col in columns:
        values = frame[col]
        if col in _COUNTS or col.endswith(("_start", "_end")):
            _first(frame, ~values.str.fullmatch(r"\d*"), f"{col} is not a non-negative integer")
            dtype = "int64" if col in _COUNTS else "Int64"
            frame[col] = pd.array([int(v) if v else None for v in values], dtype=dtype)
        else:
            frame[col] = pd.array([v if v else None for v in values], dtype="string")
    _first(frame, frame[unique].duplicated(), f"duplicate {unique} {{}}", unique)
    return frame


def _members(frame: pd.DataFrame, col: str, allowed: Iterable[str]) -> None:
    """Fail on the first value of ``col`` (empty cells aside) outside ``allowed``."""
    bad = frame[col].notna() & ~frame[col].isin(list(allowed))
    _first(frame, bad, f"unknown {col} {{}}", col)


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("order", kind="stable").reset_index(drop=True)


def load_categories(folder: Path | None = None) -> pd.DataFrame:
    """categories.csv: the transcript's three categories, in order."""
    return _in_order(_read("categories", folder, "id"))


def load_domains(folder: Path | None = None) -> pd.DataFrame:
    """domains.csv: the action plan's twelve domains, in the plan's order."""
    frame = _read("domains", folder, "id")
    _members(frame, "category", load_categories(folder)["id"])
    _first(frame, frame["category"].isna() != frame["assign_start"].isna(),
                "category and assign_start/assign_end must be given together")
    return _in_order(frame)


def load_domain_terms(folder: Path | None = None) -> pd.DataFrame:
    """domain_terms.csv: words that point to a domain (its name, or an editorial choice)."""
    frame = _read("domain_terms", folder, "term")
    _members(frame, "domain", load_domains(folder)["id"])
    _members(frame, "basis", ("name", "editorial"))
    _first(frame, frame["basis"].eq("editorial") & frame["rationale"].isna(),
                "editorial term without a rationale")
    return frame


def load_entities(folder: Path | None = None) -> pd.DataFrame:
    """entities.csv: every named company, platform, body, event, document and outlet."""
    frame = _read("entities", folder, "name")
    _members(frame, "kind", ENTITY_KINDS)
    _members(frame, "domain", load_domains(folder)["id"])
    _members(frame, "category", load_categories(folder)["id"])
    _members(frame, "domain_basis", ("transcript", "editorial"))
    _first(frame, frame["domain"].isna() != frame["domain_basis"].isna(),
                "domain and domain_basis must be given together")
    return frame


def versions(*stems: str) -> tuple[tuple[int, int], ...]:
    """(mtime, size) of each reference file: a cache key that changes when a file is edited."""
    stats = [(paths.REFERENCE / f"{stem}.csv").stat() for stem in stems]
    return tuple((st.st_mtime_ns, st.st_size) for st in stats)


def domain_info() -> dict[str, tuple[str, str]]:
    """Domain id -> (Chinese name, category id or "" where the transcript places it nowhere)."""
    return _lookups(versions("categories", "domains", "domain_terms", "entities"))[0]


def mention_patterns() -> dict[str, tuple[str, str, str]]:
    """Every string that points to a domain -> (domain id, basis, linked_by).

    ``basis`` is ``name`` (the plan's wording), ``editorial`` (a term the project links) or
    ``entity`` (a linked company, platform or body); ``linked_by`` is ``transcript`` where the
    transcript itself makes the link and ``project`` where the project does.
    """
    return _lookups(versions("categories", "domains", "domain_terms", "entities"))[1]


@lru_cache(maxsize=4)
def _lookups(
    _versions: tuple[tuple[int, int], ...],
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str, str]]]:
    """:func:`domain_info` and :func:`mention_patterns` for one version of the files."""
    domains, terms, entities = load_domains(), load_domain_terms(), load_entities()
    entities = entities[entities["domain"].notna()]
    names = zip(domains["name_zh"], domains["category"].fillna(""), strict=True)
    info = dict(zip(domains["id"], names, strict=True))
    links = [(n, d, "name", "name") for n, d in zip(domains["name_zh"], domains["id"], strict=True)]
    links += zip(terms["term"], terms["domain"], terms["basis"], terms["basis"], strict=True)
    links += zip(entities["name"], entities["domain"], ["entity"] * len(entities),
                 entities["domain_basis"], strict=True)
    rows: dict[str, tuple[str, str, str]] = {}
    for surface, domain, basis, how in links:  # how: name, transcript or editorial
        linked_by = "transcript" if how in ("name", "transcript") else "project"
        if rows.setdefault(surface, (domain, basis, linked_by))[0] != domain:
            raise InputError(f"{surface!r} points to both {rows[surface][0]} and {domain}")
    return info, rows


def category_of(domain_id: str) -> str | None:
    """The category the transcript assigns to ``domain_id``, or None if it does not."""
    if domain_id not in (info := domain_info()):
        raise InputError(f"unknown domain id {domain_id!r}")
    return info[domain_id][1] or None


def domain_patterns() -> tuple[tuple[str, str], ...]:
    """(surface string, domain id) pairs, longest first: names, terms, linked entities."""
    rows = mention_patterns()
    return tuple((s, rows[s][0]) for s in sorted(rows, key=lambda s: (-len(s), s)))


def find_longest(text: str, patterns: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``(surface, label)`` patterns as (start, end, label).

    Longer surfaces win over shorter ones they overlap (ties: alphabetical); sorted by start.
    """
    taken = bytearray(len(text))
    found: list[tuple[int, int, str]] = []
    for surface, label in sorted(set(patterns), key=lambda p: (-len(p[0]), p[0], p[1])):
        if not surface:
            raise InputError("an empty pattern matches everywhere")
        start = text.find(surface)
        while start >= 0:
            end = start + len(surface)
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * len(surface)
                found.append((start, end, label))
            start = text.find(surface, start + 1)
    return sorted(found)


def find_mentions(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every domain mention in ``text`` as (start, end, domain id, basis, linked_by)."""
    rows = mention_patterns()
    found = find_longest(text, ((surface, surface) for surface in rows))
    return [(start, end, *rows[surface]) for start, end, surface in found]


def find_domains(text: str) -> list[tuple[int, int, str]]:
    """Every non-overlapping domain mention in ``text`` as (start, end, domain id), sorted."""
    return [(start, end, domain) for start, end, domain, _, _ in find_mentions(text)]
