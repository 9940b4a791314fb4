"""Numbers in Arabic digits, Chinese numerals or a mix (``1.4万``, ``1万2千``), read exactly.

:func:`parse_decimal` gives ``1.4万`` as 14000, not 14000.000000000002.
"""

import itertools
import re
from decimal import Decimal

from online_economy.errors import InputError

#: Full-width digits and decimal point -> ASCII.
FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
#: Chinese digits -> ASCII (两 is 2 only as a digit, never in digit strings or decimals).
_CN_ASCII = str.maketrans("零〇一二两三四五六七八九", "001223456789")
#: Magnitude words written after an Arabic number (``1.4万``, ``3千万``, ``2万亿``).
MAGNITUDES: dict[str, int] = {
    "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8,
    "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3,
}
_ARABIC_RE = re.compile(
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?"
    rf"(?P<mag>{'|'.join(sorted(MAGNITUDES, key=len, reverse=True))})?"
)
_CN_RE = re.compile(
    r"(?:(?P<digits>[零〇一二三四五六七八九]{2,})|(?P<int>[零〇一二两三四五六七八九十百千万亿]+))"
    r"(?:点(?P<frac>[零〇一二三四五六七八九]+))?"
)
#: Below 10,000, digits in ASCII: 千, 百, 十 at most once each and in order; 0 only before a digit.
_SECTION_RE = re.compile(
    r"(?:0?(?P<d1000>[1-9])千)?(?:0?(?P<d100>[1-9])百)?(?:0?(?P<d10>[1-9])十|^十)?"
    r"(?:(?P<zero>0)?(?P<d1>[1-9]))?"
)
#: One Arabic part of a mixed form with its magnitude: ``1万2千``, ``3亿5000万``.
_MIXED_PART = re.compile(r"([0-9]+)(亿|千万|百万|万|千|百)")
_MIXED_MAGS = MAGNITUDES | {"百": 100}
#: Signs a number may start with (ASCII hyphen-minus, U+2212 minus, full-width, 负).
SIGNS = "-−－负"
#: Longest integer part read, in digits: anything longer is no real amount.
MAX_INT_DIGITS = 15


def parse_decimal(s: str) -> Decimal:
    """Exact value of one number, sign and mixed forms (``负3``, ``1万2千``) included."""
    bad = InputError(f"not a number: {s!r}")
    if not isinstance(s, str) or not s:
        raise bad
    if s[0] in SIGNS and len(s) > 1 and s[1] not in SIGNS:
        return -parse_decimal(s[1:])
    t = s.translate(FULLWIDTH)
    if len(re.match(r"[0-9,]*", t).group().replace(",", "")) > MAX_INT_DIGITS:
        raise InputError(f"not a number: {s[:20]!r}... (more than {MAX_INT_DIGITS} digits)")
    parts = [(int(n) * _MIXED_MAGS[mag], _MIXED_MAGS[mag]) for n, mag in _MIXED_PART.findall(t)]
    if len(parts) > 1 and not _MIXED_PART.sub("", t):  # each part below the one before
        if any(value >= mag for (_, mag), (value, _) in itertools.pairwise(parts)):
            raise bad
        return Decimal(sum(value for value, _ in parts))
    if m := _ARABIC_RE.fullmatch(t):
        value = Decimal(m["int"].replace(",", "") + ("." + m["frac"] if m["frac"] else ""))
        return value * MAGNITUDES[m["mag"]] if m["mag"] else value
    if m := _CN_RE.fullmatch(s):
        whole = m["digits"].translate(_CN_ASCII) if m["digits"] else str(_cn_integer(m["int"], bad))
        return Decimal(whole + ("." + m["frac"].translate(_CN_ASCII) if m["frac"] else ""))
    raise bad


def _cn_integer(s: str, bad: InputError, marks: str = "亿万", lead_zero: bool = False) -> int:
    """Value of a Chinese numeral split at 亿, then 万 (``一万二千``, colloquial ``两万五``)."""
    for i, mark in enumerate(marks):
        if mark in s:
            hi, _, lo = s.partition(mark)
            level = MAGNITUDES[mark]
            if len(lo) == 1 and lo in "一二两三四五六七八九":
                low = int(lo.translate(_CN_ASCII)) * level // 10
            else:
                low = _cn_integer(lo, bad, marks[i + 1 :], lead_zero=True) if lo else 0
            return _cn_integer(hi, bad, marks[i + 1 :], lead_zero) * level + low
    if s and s in "零〇":  # 零, 〇 (and 零〇)
        return 0
    m = _SECTION_RE.fullmatch(s.translate(_CN_ASCII))
    if not s or not m or (s[0] in "零〇" and not lead_zero):
        raise bad
    total, place = (10 if s[0] == "十" else 0), 1  # place: the worth of a last lone digit
    for mult in (1000, 100, 10):
        if m[f"d{mult}"]:
            total, place = total + int(m[f"d{mult}"]) * mult, mult // 10
    return total + (int(m["d1"]) * (1 if m["zero"] else place) if m["d1"] else 0)
