"""The three categories, twelve domains, domain terms and named entities (data/reference)."""

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_csv, reject

ENTITY_KINDS = frozenset({"company", "platform", "product", "hospital", "government_body", "event",
                          "document", "outlet"})
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


def _read(stem: str, folder: Path | None, unique: str, **allowed: Iterable[str]) -> pd.DataFrame:
    """``<stem>.csv`` with its required cells, types, ``unique`` column and the values of each
    ``allowed`` column (empty cells aside) checked."""
    spec = _COLUMNS[stem].split()
    columns, required = [c.rstrip("*") for c in spec], [c[:-1] for c in spec if c[-1] == "*"]
    frame = read_csv((folder or paths.REFERENCE) / f"{stem}.csv", columns)
    empty = frame[required].apply(lambda col: col.str.strip()).eq("")
    reject(frame, empty.any(axis=1), "empty {}", empty.idxmax(axis=1))
    for col in columns:
        if col in _COUNTS or col.endswith(("_start", "_end")):
            reject(frame, ~frame[col].str.fullmatch(r"\d*"), f"{col} is not a non-negative integer")
            dtype = "int64" if col in _COUNTS else "Int64"
            frame[col] = pd.array([int(v) if v else None for v in frame[col]], dtype=dtype)
        else:
            frame[col] = pd.array([v if v else None for v in frame[col]], dtype="string")
    reject(frame, frame[unique].duplicated(), f"duplicate {unique} {{}}", frame[unique].map(repr))
    for col, values in allowed.items():
        bad = frame[col].notna() & ~frame[col].isin(list(values))
        reject(frame, bad, f"unknown {col} {{}}", frame[col].map(repr))
    return frame


def load_categories(folder: Path | None = None) -> pd.DataFrame:
    """categories.csv: the transcript's three categories, in order."""
    return _read("categories", folder, "id").sort_values("order", kind="stable", ignore_index=True)


def load_domains(folder: Path | None = None) -> pd.DataFrame:
    """domains.csv: the action plan's twelve domains, in the plan's order."""
    frame = _read("domains", folder, "id", category=load_categories(folder)["id"])
    reject(frame, frame["category"].isna() != frame["assign_start"].isna(),
           "category and assign_start/assign_end must be given together")
    return frame.sort_values("order", kind="stable", ignore_index=True)


def load_domain_terms(folder: Path | None = None) -> pd.DataFrame:
    """domain_terms.csv: words that point to a domain (its name, or an editorial choice)."""
    frame = _read("domain_terms", folder, "term", domain=load_domains(folder)["id"],
                  basis=("name", "editorial"))
    reject(frame, frame["basis"].eq("editorial") & frame["rationale"].isna(),
           "editorial term without a rationale")
    return frame


def load_entities(folder: Path | None = None) -> pd.DataFrame:
    """entities.csv: every named company, platform, body, event, document and outlet."""
    frame = _read("entities", folder, "name", kind=ENTITY_KINDS, domain=load_domains(folder)["id"],
                  category=load_categories(folder)["id"], domain_basis=("transcript", "editorial"))
    reject(frame, frame["domain"].isna() != frame["domain_basis"].isna(),
           "domain and domain_basis must be given together")
    return frame


def domain_info() -> dict[str, tuple[str, str]]:
    """Domain id -> (Chinese name, category id or "" where the transcript places it nowhere)."""
    return _lookups(_versions())[0]


def mention_patterns() -> dict[str, tuple[str, str, str]]:
    """Every string that points to a domain -> (domain id, basis, linked_by): see find_mentions."""
    return _lookups(_versions())[1]


def _versions() -> tuple[tuple[int, int], ...]:
    """(mtime, size) of each reference file: a cache key that changes when a file is edited."""
    stats = [(paths.REFERENCE / f"{stem}.csv").stat() for stem in _COLUMNS]
    return tuple((st.st_mtime_ns, st.st_size) for st in stats)


@lru_cache(maxsize=4)
def _lookups(_key: tuple[tuple[int, int], ...]) -> tuple[dict[str, tuple[str, str]],
                                                         dict[str, tuple[str, str, str]]]:
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


def find_mentions(text: str) -> list[tuple[int, int, str, str, str]]:
    """Every domain mention as sorted (start, end, domain id, basis, linked_by): where mentions
    overlap, the longer wins (equal lengths: the alphabetically first).

    ``basis`` is ``name`` (the plan's wording), ``editorial`` (a term the project links) or
    ``entity`` (a linked company, platform or body); ``linked_by`` is ``transcript`` where the
    transcript itself makes the link and ``project`` where the project does.
    """
    rows = mention_patterns()
    taken = bytearray(len(text))
    found = []
    for surface in sorted(rows, key=lambda s: (-len(s), s)):
        for match in re.finditer(f"(?={re.escape(surface)})", text):  # overlapping ones too
            start, end = match.start(), match.start() + len(surface)
            if not any(taken[start:end]):
                taken[start:end] = b"\1" * len(surface)
                found.append((start, end, *rows[surface]))
    return sorted(found)
