"""Every stated quantity in a Chinese text, with exact character offsets.

One precompiled regular expression finds candidates (qualifier, number, range, magnitude,
unit, qualifier); a few rules then drop what is not an amount. Units and qualifiers come
from ``data/reference/units.csv`` (surface, unit, factor, kind) and
``data/reference/qualifiers.csv`` (surface, position, qualifier, meaning_en).

Rules (each tested in ``tests/test_quantities.py``):

- ordinals and names: no number right after 第, 之 (fractions), a digit, a letter or a
  decimal point, nor a Chinese numeral right after 周 or 初 (周一, 初三); nothing
  glued to a Latin letter (4G, 3D, COVID-19);
- a lone 一 before a measure word (kind count or other) is an article (一家企业, 一批,
  一周), not a count; 一倍, 一成, 一元, 一个百分点 are amounts;
  Chinese digit strings (二〇二〇, 三四个) and fixed expressions (:data:`IDIOMS`) are
  skipped; 零 starts a number only before 点 (零点五), never in 零手续费;
- dates: a four-digit Arabic integer before 年 (2003年, 2020—2022年) is a year; 月, 日,
  号, 季度 and 月份 are not units, so 3月底, 1月8日, 〔2020〕1号, 一季度 stay bare;
- bare numbers (no unit) count only with a qualifier or with 万/亿 (5000万以上);
  so list numbers (1、 一是), document numbers and year ranges (2019-2030) are dropped;
- ranges (3至5家, 3-5万, 30%—40%, 三到五年) give one quantity, value = low;
  a low end without a magnitude takes the high end's 千/万/亿 when it is not larger
  than the high end's core (3-5万 = 30000 to 50000, 5000-2万 = 5000 to 20000).

``unit_surface`` is the ``units.csv`` entry matched (``亿元``; ``万人次``), ``%`` or
``百分之``; a magnitude not part of that entry is folded into ``value`` (``274.35万户``:
unit_surface ``户``). Bare numbers have unit ``""`` and kind ``other``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError
from online_economy.numerals import (
    FULLWIDTH,
    MAGNITUDES,
    MAX_INT_DIGITS,
    SIGNS,
    is_digit_string,
    parse_decimal,
)
from online_economy.simplified import to_simplified

KINDS = ("count", "money", "percent", "percentage_points", "multiple", "weight", "other")
QUALIFIERS = ("approx", "over", "under")

#: Fixed expressions whose numerals state no amount (三番五次 would give 五次).
IDIOMS = (
    "三番五次", "三位一体", "十万火急", "十万八千里", "三天两头", "三年五载", "三头六臂",
    "一五一十", "九九八十一", "三七二十一", "一年半载", "一举两得", "三三两两", "一成不变",
)
#: Words that start with a unit but make the number a date or an ordinal (90年代, 三年级).
NOT_UNITS = (
    "年代", "年级", "年底", "年初", "年末", "年度", "年份", "周边", "元化",
    "成为", "成本", "成果", "成功", "成立", "成交", "成员", "成熟", "成长", "成绩", "成效",
    "成都", "成型", "成品", "成就", "成分", "成人", "周年",
)
#: Units of time that, after 前 (前7个月) or before 来/以来 (10年来), give a period, not
#: an amount: such a number is not a quantity.
PERIOD_UNITS = ("年", "个月", "个季度", "周", "天")
#: Characters before 前 that make it a verb (提前3天 is an amount of time).
NOT_PERIOD_BEFORE = "提"
#: Characters that, just before a one-character qualifier, make it part of another word
#: (最近, 附近, 预约, 签约, 赶超): then the qualifier is not read.
BLOCKED_BEFORE = {"近": "最附临就靠亲贴邻", "约": "预签节制公合条隐简契邀相特集租履违毁纽",
                  "超": "赶高"}

_CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_SEP = r"(?:至|到|~|～|〜|－|-|——|—|–|−)"
_POWERS = "^＾⁰¹²³⁴⁵⁶⁷⁸⁹"
_NOT_AFTER = rf"(?![0-9０-９A-Za-z/／{_POWERS}]|[.．][0-9０-９]|分之)"
_AR = (
    r"(?:[0-9]{1,4}(?:亿|万|千)(?:[0-9]{1,4}(?:千万|百万|万|千|百))+(?![0-9])"
    rf"|(?:[0-9０-９]{{1,3}}(?:,[0-9０-９]{{3}})+(?![0-9０-９])|[0-9０-９]{{1,{MAX_INT_DIGITS}}})"
    r"(?:[.．][0-9０-９]{1,10})?)"
    + _NOT_AFTER
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
#: Characters that, right after a magnitude, start a tail the extractor does not read.
_TAIL_DIGITS = frozenset("0123456789０１２３４５６７８９一二两三四五六七八九")
_YEAR = re.compile(r"[12][0-9]{3}")


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


def _read_csv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise InputError(f"{path.name}: expected columns {columns}, got {reader.fieldnames}")
        return list(reader)


@lru_cache(maxsize=1)
def load_units(path: Path | None = None) -> dict[str, Unit]:
    """The unit table, by surface; validated (kinds, positive factors, no duplicates)."""
    path = path or paths.REFERENCE / "units.csv"
    units: dict[str, Unit] = {}
    for row in _read_csv(path, ["surface", "unit", "factor", "kind"]):
        unit = Unit(row["surface"], row["unit"], Decimal(row["factor"]), row["kind"])
        if not unit.surface or unit.kind not in KINDS or unit.factor <= 0:
            raise InputError(f"{path.name}: bad row {row}")
        if unit.surface in units:
            raise InputError(f"{path.name}: duplicate surface {unit.surface!r}")
        units[unit.surface] = unit
    return units


@lru_cache(maxsize=1)
def load_measure_words(path: Path | None = None) -> dict[str, Unit]:
    """Measure words outside ``units.csv`` (列, 标箱, 剂次): each its own unit, kind count."""
    path = path or paths.REFERENCE / "measure_words.txt"
    units = load_units()
    words: dict[str, Unit] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        word = raw.strip()
        if not word or word.startswith("#"):
            continue
        if word in units or word in words or any(c.isspace() or c.isdigit() for c in word):
            raise InputError(f"{path.name}: bad or duplicate measure word {word!r}")
        words[word] = Unit(word, word, Decimal(1), "count")
    return words


@lru_cache(maxsize=1)
def load_qualifiers(path: Path | None = None) -> dict[str, Qualifier]:
    """The qualifier table, by surface; validated."""
    path = path or paths.REFERENCE / "qualifiers.csv"
    quals: dict[str, Qualifier] = {}
    for row in _read_csv(path, ["surface", "position", "qualifier", "meaning_en"]):
        q = Qualifier(**row)
        if not q.surface or q.position not in ("before", "after") or q.qualifier not in QUALIFIERS:
            raise InputError(f"{path.name}: bad row {row}")
        if q.surface in quals:
            raise InputError(f"{path.name}: duplicate surface {q.surface!r}")
        quals[q.surface] = q
    return quals


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(full pattern, pattern without ranges, idioms, characters a match can start with)."""
    quals = load_qualifiers().values()
    before = [
        f"(?<![{BLOCKED_BEFORE[q.surface]}]){re.escape(q.surface)}"
        if q.surface in BLOCKED_BEFORE else re.escape(q.surface)
        for q in sorted(quals, key=lambda q: len(q.surface), reverse=True)
        if q.position == "before"
    ]
    after = [q.surface for q in quals if q.position == "after"]
    unit = _alt([*load_units(), *load_measure_words()])
    mid, post = _alt(after), _alt([a for a in after if len(a) > 1])
    pct = rf"(?P<pct>百分之|千分之)(?P<pn1>{_PCT_NUM})"
    num_tail = rf"(?:(?P<ua>{unit})|(?P<mag>{_MAG})?(?P<mid>{mid})?(?P<ub>{unit})?)"
    head = rf"{_GUARD}(?P<pre>{'|'.join(before)})?(?P<sign>[{SIGNS}](?=[0-9０-９]))?"
    full = (
        rf"{head}(?:{pct}(?:{_SEP}(?:百分之|千分之)?(?P<pn2>{_PCT_NUM}))?"
        rf"|(?P<n1>{_NUM})(?:(?P<mag1>{_MAG})?(?P<u1>{unit})?(?P<sep>{_SEP})(?P<sign2>[{SIGNS}](?=[0-9０-９]))?(?P<n2>{_NUM}))?"
        rf"{num_tail})(?P<post>{post})?"
    )
    single = rf"{head}(?:{pct}|(?P<n1>{_NUM}){num_tail})(?P<post>{post})?"
    first = {q.surface[0] for q in quals if q.position == "before"}
    first |= set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千" + SIGNS)
    starts = re.compile("[" + re.escape("".join(sorted(first))) + "]")
    return re.compile(full), re.compile(single), re.compile(_alt(list(IDIOMS))), starts


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities stated in ``text``, sorted by start offset, never overlapping.

    Matching runs on a simplified copy (萬 -> 万, 億 -> 亿; one character for one), and
    surfaces are cut from ``text`` itself.
    """
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    source, text = text, to_simplified(text)
    full, single, _, starts = _patterns()
    out: list[Quantity] = []
    last = 0
    # The full pattern starts with lookbehinds, so re cannot skip ahead by itself:
    # visit only the characters a match can start with (leftmost match, as re.search).
    for c in starts.finditer(text):
        pos = c.start()
        if pos < last or not (m := full.match(text, pos)):
            continue
        q = _checked_build(m, text, source)
        if q is False:  # a range whose ends disagree: read the first number alone
            m = single.match(text, pos)
            q = _checked_build(m, text, source) if m else None
        if q:
            # a bare amount just before (3万、5亿元) may become a member of the list
            bare = bool(out) and not out[-1].unit and not out[-1].qualifier
            floor = (out[-1].start if bare else out[-1].end) if out else 0
            members = _list_members(text, source, q, m, floor)
            if members and out and out[-1].end > members[0].start:
                if (out[-1].start, out[-1].end) != (members[0].start, members[0].end):
                    members = []  # never overlap a quantity already read
                else:
                    out.pop()
            out.extend(members)
            out.append(q)
        last = m.end() if m else pos + 1
    return out


#: A number ending right before a list comma: ``8.2、`` in ``8.2、5.0个百分点``.
_LIST_MEMBER = re.compile(
    r"(?<![0-9０-９A-Za-z.．,_^＾/／])(?P<sign>[-−－](?=[0-9]))?"
    rf"(?P<n>[0-9０-９]{{1,{MAX_INT_DIGITS}}}(?:[.．][0-9０-９]{{1,10}})?)(?P<mag>万亿|亿|万|千)?、$"
)


def _list_members(
    text: str, source: str, q: Quantity, m: re.Match[str], floor: int
) -> list[Quantity]:
    """Bare numbers of a 、-list that end in ``q`` (``8.2、5.0个百分点``), with its unit.

    Each member keeps its own surface (``8.2``) and takes the unit, kind and any
    magnitude of the last item; a list after a qualifier or of ranges is left alone.
    """
    g = m.groupdict()
    if g["pre"] or g.get("pct") or q.value_high is not None or not q.unit_surface:
        return []
    unit = load_units().get(q.unit_surface) or load_measure_words()[q.unit_surface]
    members: list[Quantity] = []
    end = q.start
    while end - 1 > floor and text[end - 1] == "、":
        mm = _LIST_MEMBER.search(text, max(floor, end - 40), end)
        if not mm:
            break
        value = parse_decimal((mm["sign"] or "") + mm["n"])
        if mm["mag"]:  # its own magnitude: 3万、5亿元 -> 3万 元
            value *= MAGNITUDES[mm["mag"]] * _base_factor(unit, load_units())
        else:  # the last item's: 3、5万元 -> 3万元
            value *= unit.factor * (MAGNITUDES[g["mag"]] if g["mag"] else 1)
        members.append(_quantity(source, mm.start(), end - 1, value, None, q.unit, "",
                                 q.kind, q.unit_surface))
        end = mm.start()
    return members[::-1]


def _checked_build(m: re.Match[str], text: str, source: str) -> Quantity | bool | None:
    """:func:`_build`, with a malformed numeral (十十, 一百十) read as no quantity."""
    try:
        return _build(m, text, source)
    except InputError:
        return False if m.groupdict().get("n2") or m.groupdict().get("pn2") else None


def _build(m: re.Match[str], text: str, source: str) -> Quantity | bool | None:
    """A Quantity from a match, None if it is not one, False if the range must be split.

    ``text`` is the simplified copy that was matched, ``source`` the text to quote.
    """
    units, quals = {**load_units(), **load_measure_words()}, load_qualifiers()
    g = m.groupdict()
    start, end = m.start(), m.end()
    n1: str = g["n1"] or g["pn1"]
    n2: str | None = g.get("n2") or g.get("pn2")
    numerals = (n1, n2) if n2 else (n1,)
    chinese = any(n[0] in _CN_NUMERAL_CHARS for n in numerals)
    if chinese and (any(is_digit_string(n) for n in numerals) or _in_idiom(text, start, end)):
        return None
    words = (g["pre"], g.get("mid"), g["post"])
    qualifier = next((quals[w].qualifier for w in words if w), "")
    if g["pct"]:
        low, high = _pct_value(n1), _pct_value(n2) if n2 else None
        if g["pct"] == "千分之":
            low, high = low / 10, None if high is None else high / 10
        if high is not None and low > high:
            return None  # a range from high to low is refused
        return _quantity(source, start, end, low, high, "%", qualifier, "percent", g["pct"])
    usurf = g["ua"] or g["ub"] or ""
    unit = units.get(usurf)
    if n1 == "一" and not n2 and (unit is None or unit.kind in ("count", "other")):
        return None  # an article before a measure word (一家企业, 一批, 一周), not 一倍, 一成
    if unit and text.startswith(NOT_UNITS, m.start("ua" if g["ua"] else "ub")):
        return None
    years = all(_YEAR.fullmatch(n.translate(FULLWIDTH)) for n in numerals)
    if unit and unit.unit == "年" and years:
        return None  # a year or a range of years: 2003年, 2020—2022年
    if unit and unit.unit in PERIOD_UNITS and _is_period(text, start, end):
        return None  # a period, not an amount: 前7个月, 10年来
    mags = (g["mag"] or "") + (g.get("mag1") or "") + (n2 or n1)
    if unit is None and not qualifier and not any(c in "万亿" for c in mags):
        return None  # a bare number: list item, document number, year range
    if g["mag"] and m.end("mag") == end and text[end:end + 1] in _TAIL_DIGITS:
        return None  # 1万2, 1万两千: a colloquial tail that is not read, so no amount
    factor = unit.factor if unit else Decimal(1)
    value = parse_decimal(n2 or n1) * (MAGNITUDES[g["mag"]] if g["mag"] else 1) * factor
    if not n2:
        low, high = value, None
    else:
        low, high = _range_low(g, n1, n2, unit, units), value
        if low is None:
            return False
    if g["sign"]:
        low = -low
    if g.get("sign2") and high is not None:
        high = -high
    if high is not None and low > high:
        return None  # a range from high to low (5-3家) is refused
    return _quantity(
        source, start, end, low, high, unit.unit if unit else "", qualifier,
        unit.kind if unit else "other", usurf,
    )


def _is_period(text: str, start: int, end: int) -> bool:
    """True for 前N个月 (not 提前3天) and for N年来 / N个月以来."""
    after_qian = start >= 1 and text[start - 1] == "前"
    if after_qian and not (start >= 2 and text[start - 2] in NOT_PERIOD_BEFORE):
        return True
    return text.startswith(("来", "以来"), end)


def _pct_value(n: str) -> Decimal:
    """Value after 百分之 (百分之百 = 100)."""
    return Decimal(100) if n == "百" else parse_decimal(n)


def _range_low(
    g: dict[str, str | None], n1: str, n2: str, unit: Unit | None, units: dict[str, Unit]
) -> Decimal | None:
    """Low end of a range in base units, or None when the two ends disagree."""
    core1 = parse_decimal(n1)
    if g["u1"]:
        u1 = units[g["u1"]]
        if unit is None or u1.unit != unit.unit:
            return None
        return core1 * (MAGNITUDES[g["mag1"]] if g["mag1"] else 1) * u1.factor
    base = _base_factor(unit, units)
    if g["mag1"]:
        return core1 * MAGNITUDES[g["mag1"]] * base
    return core1 * _inherited(n2, g["mag"], unit, core1) * base


def _base_factor(unit: Unit | None, units: dict[str, Unit]) -> Decimal:
    """Factor of the unit without a magnitude prefix (万元 -> 元: 1)."""
    if unit is None:
        return Decimal(1)
    prefix = _mag_prefix(unit)
    if prefix:
        rest = units.get(unit.surface[len(prefix) :])
        if rest and rest.unit == unit.unit:
            return rest.factor
    return unit.factor


def _mag_prefix(unit: Unit) -> str:
    """The 万/亿 prefix of a unit surface (万元 -> 万), or ""."""
    for prefix in ("万亿", "亿", "千万", "百万", "万"):
        if unit.surface.startswith(prefix) and unit.surface != prefix:
            return prefix
    return ""


def _inherited(n2: str, mag: str | None, unit: Unit | None, core1: Decimal) -> int:
    """The 千/万/亿 multiplier the high end carries and a bare low end shares (3-5万)."""
    if n2[0] in "0123456789０１２３４５６７８９":
        prefix = mag or (_mag_prefix(unit) if unit else "")
        if prefix and core1 <= parse_decimal(n2):
            return MAGNITUDES[prefix]
        return 1
    # Chinese high end: the longest trailing run of 十百千万亿 (with 千, 万 or 亿) that
    # leaves a core not smaller than the low end: 三到五千万 -> 千万, 三千到五千万 -> 万.
    digits = [i for i, c in enumerate(n2) if c not in "十百千万亿"]
    if not digits or "点" in n2:
        return 1
    run = n2[digits[-1] + 1 :]
    for k in range(len(run), 0, -1):
        suffix = run[len(run) - k :]
        if not any(c in suffix for c in "千万亿"):
            continue
        try:
            core2 = parse_decimal(n2[: len(n2) - k])
            mult = parse_decimal("一" + suffix)
        except InputError:
            continue
        if core1 <= core2:
            return int(mult)
    return 1


def _in_idiom(text: str, start: int, end: int) -> bool:
    """True when [start, end) overlaps a fixed expression."""
    idioms = _patterns()[2]
    lo = max(0, start - 8)
    return any(
        s.start() < end and s.end() > start for s in idioms.finditer(text, lo, end + 8)
    )


def _quantity(
    text: str, start: int, end: int, low: Decimal, high: Decimal | None,
    unit: str, qualifier: str, kind: str, usurf: str,
) -> Quantity:
    """Assemble a Quantity (values as floats)."""
    return Quantity(
        surface=text[start:end], value=float(low), unit=unit, qualifier=qualifier,
        start=start, end=end, kind=kind,
        value_high=None if high is None else float(high), unit_surface=usurf,
    )
