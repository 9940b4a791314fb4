"""Every stated quantity in a Chinese text, with exact character offsets.

A regular expression built from ``data/reference`` (units.csv, qualifiers.csv, quantity_words.csv)
finds candidates; rules tested in ``tests/test_quantities.py`` drop what states no amount: ordinals
and names (第一, 周三, 4G), fractions and powers (三分之一, 10^5), 一 as an article (一家企业, not
一倍), digit strings and idioms (二〇二〇, 三番五次), years, dates and periods (2003年, 3月底,
前7个月, 10年来), bare numbers without 万/亿 or a qualifier (1、, 2019-2030), ranges from high to
low (5-3家) and absurd magnitudes. A range (3-5万) is one quantity valued at its low end; a 、-list
shares its last unit (8.2、5.0个百分点).
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from online_economy import paths
from online_economy.errors import InputError
from online_economy.numerals import MAGNITUDES, MAX_INT_DIGITS, SIGNS, parse_decimal
from online_economy.reference import read_csv, reject
from online_economy.simplified import to_simplified

KINDS = ("count", "money", "percent", "percentage_points", "multiple", "weight", "other")
QUALIFIERS = ("approx", "over", "under")

#: The lists of ``quantity_words.csv`` (data/reference/README.md says what each one holds).
WORD_LISTS = ("idiom", "not_unit", "period_unit", "not_qualifier", "measure_word")

_CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_DIGITS = "0123456789０１２３４５６７８９"
_SEP = r"(?:至|到|~|～|〜|－|-|——|—|–|−)"
_POWERS = "^＾⁰¹²³⁴⁵⁶⁷⁸⁹"
_AR = (
    r"(?:[0-9]{1,4}(?:亿|万|千)(?:[0-9]{1,4}(?:千万|百万|万|千|百))+(?![0-9])"
    rf"|(?:[0-9０-９]{{1,3}}(?:,[0-9０-９]{{3}})+(?![0-9０-９])|[0-9０-９]{{1,{MAX_INT_DIGITS}}})"
    rf"(?:[.．][0-9０-９]{{1,10}})?)(?![0-9０-９A-Za-z/／{_POWERS}]|[.．][0-9０-９]|分之)"
)
_CN = (
    r"(?<![周初])(?:[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"|[零〇](?=点[零〇一二三四五六七八九]))(?:点[零〇一二三四五六七八九]+)?(?!分之)"
)
_NUM = rf"(?:{_AR}|{_CN})"
_PCT_NUM = rf"(?:{_AR}|{_CN}|百(?!分))"
_GUARD = (
    rf"(?<![0-9０-９A-Za-z.．_{_CN_NUMERAL_CHARS}第之/／{_POWERS}])"
    r"(?<![0-9０-９A-Za-z][-－—–−~～])(?<![0-9０-９],)"
)
_MAG = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
_SIGN = rf"[{SIGNS}](?=[0-9０-９])"
_TAIL_DIGIT = re.compile("[0-9０-９一二两三四五六七八九]")  # 1万2, 1万两千
#: A number ending right before a list comma: ``8.2、`` in ``8.2、5.0个百分点``.
_LIST_MEMBER = re.compile(
    r"(?<![0-9０-９A-Za-z.．,_^＾/／])(?P<sign>[-−－](?=[0-9]))?"
    rf"(?P<n>[0-9０-９]{{1,{MAX_INT_DIGITS}}}(?:[.．][0-9０-９]{{1,10}})?)(?P<mag>万亿|亿|万|千)?、$"
)


@dataclass(frozen=True)
class Quantity:
    """One stated amount: ``text[start:end] == surface``; ``value`` in base units."""

    surface: str
    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    kind: str
    value_high: float | None = None
    unit_surface: str = ""


@dataclass(frozen=True)
class Unit:
    """A row of ``units.csv``: ``surface`` means ``factor`` × ``unit``."""

    surface: str
    unit: str
    factor: Decimal
    kind: str


@dataclass(frozen=True)
class Qualifier:
    """A row of ``qualifiers.csv``."""

    surface: str
    position: str
    qualifier: str
    meaning_en: str


@lru_cache(maxsize=1)
def load_units(path: Path | None = None) -> dict[str, Unit]:
    """The unit table, by surface; validated (kinds, positive factors, no duplicates)."""
    frame = read_csv(path or paths.REFERENCE / "units.csv", ["surface", "unit", "factor", "kind"])
    frame["factor"] = frame["factor"].map(parse_decimal)
    bad = ~frame["kind"].isin(KINDS) | frame["factor"].le(0)
    bad |= frame["surface"].eq("") | frame["surface"].duplicated()
    reject(frame, bad, "bad or repeated unit {!r}", frame["surface"])
    return {row.surface: Unit(*row) for row in frame.itertuples(index=False)}


@lru_cache(maxsize=1)
def load_qualifiers(path: Path | None = None) -> dict[str, Qualifier]:
    """The qualifier table, by surface; validated (positions, meanings, no duplicates)."""
    columns = ["surface", "position", "qualifier", "meaning_en"]
    frame = read_csv(path or paths.REFERENCE / "qualifiers.csv", columns)
    bad = ~frame["position"].isin(["before", "after"]) | ~frame["qualifier"].isin(QUALIFIERS)
    bad |= frame["surface"].eq("") | frame["surface"].duplicated()
    reject(frame, bad, "bad or repeated qualifier {!r}", frame["surface"])
    return {row.surface: Qualifier(*row) for row in frame.itertuples(index=False)}


@lru_cache(maxsize=1)
def load_word_lists(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The :data:`WORD_LISTS` of ``quantity_words.csv``, by list; validated."""
    frame = read_csv(path or paths.REFERENCE / "quantity_words.csv", ["list", "word", "meaning_en"])
    bad = ~frame["list"].isin(WORD_LISTS) | ~frame["word"].str.fullmatch(r"\S+")
    bad |= frame.duplicated(["list", "word"])
    reject(frame, bad, "unknown list, or bad or repeated word {!r}", frame["word"])
    return {name: tuple(frame.loc[frame["list"] == name, "word"]) for name in WORD_LISTS}


@lru_cache(maxsize=1)
def _idioms() -> re.Pattern[str]:
    """The idioms of ``quantity_words.csv`` as one pattern."""
    return re.compile("|".join(load_word_lists()["idiom"]))


@lru_cache(maxsize=1)
def _all_units() -> dict[str, Unit]:
    """units.csv, then the measure words of quantity_words.csv (列, 标箱: own unit, kind count)."""
    measure = {w: Unit(w, w, Decimal(1), "count") for w in load_word_lists()["measure_word"]}
    return {**load_units(), **measure}


def _unit(surface: str | None) -> Unit:
    """The unit or measure word written ``surface``; for none, unit "" of kind other."""
    return _all_units().get(surface or "", Unit("", "", Decimal(1), "other"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(full pattern, pattern without ranges, characters a match can start with)."""

    def alt(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    quals = load_qualifiers()
    before = [w for w in quals if quals[w].position == "before"]
    after = [w for w in quals if quals[w].position == "after"]
    # a qualifier is not read where it ends a not_qualifier word: 近 in 附近, 约 in 预约
    hidden = "".join(f"(?<!{re.escape(w)})" for w in load_word_lists()["not_qualifier"])
    unit = alt(list(_all_units()))
    head = rf"{_GUARD}(?:(?P<pre>{alt(before)}){hidden})?(?P<sign>{_SIGN})?"
    pct = rf"(?P<pct>百分之|千分之)(?P<pn1>{_PCT_NUM})"
    tail = rf"(?:(?P<ua>{unit})|(?P<mag>{_MAG})?(?P<mid>{alt(after)})?(?P<ub>{unit})?)"
    post = rf"(?P<post>{alt([a for a in after if len(a) > 1])})?"
    full = (
        rf"{head}(?:{pct}(?:{_SEP}(?:百分之|千分之)?(?P<pn2>{_PCT_NUM}))?|(?P<n1>{_NUM})"
        rf"(?:(?P<mag1>{_MAG})?(?P<u1>{unit})?{_SEP}(?P<sign2>{_SIGN})?(?P<n2>{_NUM}))?"
        rf"{tail}){post}"
    )
    single = rf"{head}(?:{pct}|(?P<n1>{_NUM}){tail}){post}"
    first = "".join({w[0] for w in before} | set(_DIGITS + _CN_NUMERAL_CHARS + SIGNS))
    return re.compile(full), re.compile(single), re.compile(f"[{re.escape(first)}]")


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, in order and never overlapping (萬, 億 read as 万, 亿)."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    source, text = text, to_simplified(text)
    full, single, starts = _patterns()
    out: list[Quantity] = []
    last = 0
    # visit only the characters a match can start with (its lookbehinds stop re skipping ahead)
    for c in starts.finditer(text):
        if c.start() < last or not (m := full.match(text, c.start())):
            continue
        q = _build(m, text, source)
        if q is False:  # a range whose ends disagree: read the first number alone
            m = single.match(text, c.start())
            q = _build(m, text, source) if m else None
        last = m.end() if m else c.start() + 1
        if q:
            # a bare amount just before (3万、5亿元) may become a member of the list
            bare = out and not (out[-1].unit or out[-1].qualifier)
            floor = (out[-1].start if bare else out[-1].end) if out else 0
            members = _members(text, source, q, m, floor)
            if members and out and out[-1].end > members[0].start:  # never overlap what was read
                if (out[-1].start, out[-1].end) == (members[0].start, members[0].end):
                    out.pop()
                else:
                    members = []
            out += [*members, q]
    return out


def _members(text: str, source: str, q: Quantity, m: re.Match[str], floor: int) -> list[Quantity]:
    """Bare numbers of a 、-list ending in ``q`` (``8.2、5.0个百分点``), with its unit."""
    if m["pre"] or m["pct"] or q.value_high is not None or not q.unit_surface:
        return []
    unit, members, end = _unit(q.unit_surface), [], q.start
    while end - 1 > floor and text[end - 1] == "、":
        mm = _LIST_MEMBER.search(text, max(floor, end - 40), end)
        if not mm:
            break
        factor = _split(unit)[1] if mm["mag"] else unit.factor  # 3万、5亿元 vs 3、5万元
        mag = MAGNITUDES.get(mm["mag"] or m["mag"], 1)
        value = parse_decimal((mm["sign"] or "") + mm["n"]) * mag * factor
        members.append(Quantity(source[mm.start() : end - 1], float(value), q.unit, "",
                                mm.start(), end - 1, q.kind, None, q.unit_surface))
        end = mm.start()
    return members[::-1]


def _build(m: re.Match[str], text: str, source: str) -> Quantity | bool | None:
    """The Quantity of a match, None if it states no amount, False if its range must be split."""
    g = m.groupdict()
    n1, n2 = g["n1"] or g["pn1"], g.get("n2") or g.get("pn2")
    numerals, start, end = [n for n in (n1, n2) if n], m.start(), m.end()
    lists = load_word_lists()
    idioms = _idioms().finditer(text, max(0, start - 8), end + 8)
    if any(n[0] in _CN_NUMERAL_CHARS for n in numerals) and (
        any(re.fullmatch("[零〇一二两三四五六七八九]{2,}", n) for n in numerals)  # 二〇二〇, 三四个
        or any(i.start() < end and i.end() > start for i in idioms)
    ):
        return None
    words = (g["pre"], g["mid"], g["post"])
    qualifier = next((load_qualifiers()[w].qualifier for w in words if w), "")
    written = g["ua"] or g["ub"]
    unit = _unit(written)
    if g["pct"]:  # 百分之 or 千分之 (‰)
        unit = Unit(g["pct"], "%", Decimal("0.1" if g["pct"] == "千分之" else 1), "percent")
    if n1 == "一" and not n2 and unit.kind in ("count", "other"):
        return None  # an article (一家企业, 一批, 一周), not an amount (一倍, 一成)
    if written and text.startswith(lists["not_unit"], m.start("ua" if g["ua"] else "ub")):
        return None  # the unit begins another word: 90年代, 三年级, 3成本
    if unit.unit == "年" and all(re.fullmatch("[12１２][0-9０-９]{3}", n) for n in numerals):
        return None  # a year or a range of years: 2003年, 2020—2022年
    after_qian = text.endswith("前", 0, start) and not text.endswith("提前", 0, start)
    if unit.unit in lists["period_unit"] and (after_qian or text.startswith(("来", "以来"), end)):
        return None  # a period, not an amount: 前7个月, 10年来
    mags = (g["mag"] or "") + (g.get("mag1") or "") + (n2 or n1)
    if not unit.surface and not qualifier and not re.search("[万亿]", mags):
        return None  # a bare number: list item, document number, year range
    if g["mag"] and m.end("mag") == end and _TAIL_DIGIT.match(text, end):
        return None  # 1万2, 1万两千: a colloquial tail that is not read, so no amount
    try:
        core = [parse_decimal("100" if n == "百" else n) for n in numerals]  # 百分之百
        scale = MAGNITUDES.get(g["mag"], 1) * unit.factor
        low, high = core[0] * scale, core[-1] * scale if n2 else None
        if n2 and not g["pct"]:
            low = _range_low(g, core[0], n2, unit)
    except InputError:  # a malformed numeral (十十, 一百十)
        return False if n2 else None
    if low is None:
        return False
    low, high = -low if g["sign"] else low, -high if g.get("sign2") else high
    if high is not None and low > high:
        return None  # a range from high to low (5-3家) is refused
    return Quantity(source[start:end], float(low), unit.unit, qualifier, start, end, unit.kind,
                    None if high is None else float(high), unit.surface)


def _range_low(g: dict[str, Any], core1: Decimal, n2: str, unit: Unit) -> Decimal | None:
    """Low end of a range in base units, or None when the two ends disagree."""
    u1 = _unit(g["u1"])
    if u1.surface and u1.unit != unit.unit:
        return None
    prefix, base = _split(unit)
    if g["mag1"] or u1.surface:
        return core1 * MAGNITUDES.get(g["mag1"], 1) * (u1.factor if u1.surface else base)
    # A bare low end shares the high end's 千/万/亿 (3-5万, 3-5万元; 三到五千万, 三千到五千万: the
    # longest such run of a Chinese numeral) if not larger than the high end without it.
    if n2[0] in _DIGITS:
        prefix = g["mag"] or prefix
        return core1 * (MAGNITUDES[prefix] if prefix and core1 <= parse_decimal(n2) else 1) * base
    last = max((i for i, c in enumerate(n2) if c not in "十百千万亿"), default=len(n2))
    for j in range(last + 1, len(n2)):
        try:
            core2, mult = parse_decimal(n2[:j]), parse_decimal("一" + n2[j:])
        except InputError:
            continue
        if mult >= 1000 and core1 <= core2:
            return core1 * mult * base
    return core1 * base


def _split(unit: Unit) -> tuple[str, Decimal]:
    """A unit's 万/亿 prefix and its factor without it: 万元 -> (万, 1), 千克 -> ("", 1)."""
    prefix = (re.match("万亿|亿|千万|百万|万", unit.surface) or [""])[0]
    return prefix, unit.factor / MAGNITUDES[prefix] if prefix else unit.factor
