"""Numbers written in Arabic digits, Chinese numerals or a mix (``1.4万``), both ways.

:func:`parse_number` reads one number; :func:`render_number` writes one in a chosen form
(used by the tests to check round trips). Values are exact :class:`~decimal.Decimal`
internally (:func:`parse_decimal`), so ``1.4万`` is exactly 14000, not 14000.000000000002.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from online_economy.errors import InputError

#: Full-width digits and decimal point -> ASCII.
FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_TO_FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

#: Chinese digits (两 only as a digit, never in digit strings or decimals).
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_MULT: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_ZEROS = "零〇"
_PLAIN_DIGITS = "〇一二三四五六七八九"  # digit strings such as 二〇二〇

#: Magnitude words written after an Arabic number (``1.4万``, ``3千万``, ``2万亿``).
MAGNITUDES: dict[str, int] = {
    "万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8,
    "千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3,
}
_MAG_ALT = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
_ARABIC_RE = re.compile(
    rf"(?P<int>[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?(?P<mag>{_MAG_ALT})?"
)
_CN_RE = re.compile(
    r"(?P<int>[零〇一二两三四五六七八九十百千万亿]+)"
    r"(?:点(?P<frac>[零〇一二三四五六七八九]+))?"
)

#: Arabic parts each with a magnitude, largest first: ``1万2千``, ``3亿5000万``.
_MIXED_RE = re.compile(r"(?:[0-9]+(?:亿|千万|百万|万|千|百))+")
_MIXED_PART = re.compile(r"([0-9]+)(亿|千万|百万|万|千|百)")
_MIXED_MAGS = {"亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4, "千": 1000, "百": 100}
#: Signs a number may start with (ASCII hyphen-minus, U+2212 minus, full-width, 负).
SIGNS = "-−－负"
#: Longest integer part read, in digits: anything longer is no real amount.
MAX_INT_DIGITS = 15

FORMS = ("arabic", "grouped", "fullwidth", "chinese", "magnitude")


def parse_number(s: str) -> float:
    """The value of one written number: ``1,000``, ``１２３``, ``1.4万``, ``十五点二``.

    Raises :class:`~online_economy.errors.InputError` (a ``ValueError``) on anything else.
    """
    return float(parse_decimal(s))


def parse_decimal(s: str) -> Decimal:
    """Like :func:`parse_number` but exact; a leading sign (``-5``, ``−7.2``, ``负3``) is read.

    Mixed forms read part by part (``1万2千`` = 12000, ``3亿5000万``); an integer part of
    more than :data:`MAX_INT_DIGITS` digits is refused as no real amount.
    """
    if not isinstance(s, str) or not s:
        raise InputError(f"not a number: {s!r}")
    if s[0] in SIGNS and len(s) > 1 and s[1] not in SIGNS:
        return -parse_decimal(s[1:])
    t = s.translate(FULLWIDTH)
    lead = re.match(r"[0-9,]*", t)
    if lead and len(lead.group().replace(",", "")) > MAX_INT_DIGITS:
        raise InputError(f"not a number: {s[:20]!r}... (more than {MAX_INT_DIGITS} digits)")
    if _MIXED_RE.fullmatch(t) and len(_MIXED_PART.findall(t)) > 1:
        return _mixed(t, s)
    m = _ARABIC_RE.fullmatch(t)
    if m:
        value = Decimal(m["int"].replace(",", "") + ("." + m["frac"] if m["frac"] else ""))
        return value * MAGNITUDES[m["mag"]] if m["mag"] else value
    m = _CN_RE.fullmatch(s)
    if m:
        value = Decimal(_cn_integer(m["int"], s))
        if m["frac"]:
            value += Decimal("0." + "".join(str(CN_DIGITS[c]) for c in m["frac"]))
        return value
    raise InputError(f"not a number: {s!r}")


def _mixed(t: str, whole: str) -> Decimal:
    """``1万2千`` -> 12000: each part smaller than the magnitude before it."""
    total, previous = 0, None
    for digits, mag in _MIXED_PART.findall(t):
        value = int(digits) * _MIXED_MAGS[mag]
        if previous is not None and value >= previous:
            raise InputError(f"not a number: {whole!r}")
        total += value
        previous = _MIXED_MAGS[mag]
    return Decimal(total)


def is_digit_string(s: str) -> bool:
    """True for Chinese numerals read digit by digit (``二〇二〇``, ``三四``): no 十百千万亿."""
    return len(s) > 1 and all(c in CN_DIGITS for c in s)


def _cn_integer(s: str, whole: str) -> int:
    """Integer value of a Chinese numeral (``一万二千``, ``两万五``, ``二〇二〇``)."""
    if is_digit_string(s):
        if any(c not in _PLAIN_DIGITS and c != "零" for c in s):
            raise InputError(f"not a number: {whole!r}")
        return int("".join(str(CN_DIGITS[c]) for c in s))
    if "亿" in s:
        hi, _, lo = s.partition("亿")
        return _wan(hi, whole) * 10**8 + _lower(lo, 10**8, whole)
    return _wan(s, whole)


def _wan(s: str, whole: str) -> int:
    """Value of a numeral without 亿 (may contain 万)."""
    if "万" in s:
        hi, _, lo = s.partition("万")
        return _section(hi, whole, lead_zero=False) * 10**4 + _lower(lo, 10**4, whole)
    return _section(s, whole, lead_zero=False)


def _lower(s: str, level: int, whole: str) -> int:
    """The part after 万 or 亿; a lone digit is colloquial (两万五 = 25000)."""
    if not s:
        return 0
    if len(s) == 1 and s in CN_DIGITS and s not in _ZEROS:
        return CN_DIGITS[s] * level // 10
    if level == 10**8:
        if "万" in s:
            hi, _, lo = s.partition("万")
            return _section(hi, whole, lead_zero=True) * 10**4 + _lower(lo, 10**4, whole)
        return _section(s, whole, lead_zero=True)
    return _section(s, whole, lead_zero=True)


def _section(s: str, whole: str, *, lead_zero: bool) -> int:
    """Value below 10,000 written with 千百十 and 零 (``二百三十``, ``一千零五``, ``十五``)."""
    bad = InputError(f"not a number: {whole!r}")
    if not s:
        raise bad
    if s in _ZEROS:
        return 0
    total, digit, last = 0, None, 10_000
    zero = after_zero = False  # a pending 零; the current digit followed a 零
    for i, ch in enumerate(s):
        if ch in _CN_MULT:
            mult = _CN_MULT[ch]
            if mult >= last or zero:
                raise bad
            if digit is None:
                if mult != 10 or i != 0:
                    raise bad
                digit = 1
            total += digit * mult
            last, digit = mult, None
        elif ch in _ZEROS:
            if digit is not None or zero or (i == 0 and not lead_zero):
                raise bad
            zero = True
        elif ch in CN_DIGITS:
            if digit is not None:
                raise bad
            digit, after_zero, zero = CN_DIGITS[ch], zero, False
        else:
            raise bad
    if zero:
        raise bad
    if digit is not None:
        total += digit if (after_zero or last == 10_000) else digit * last // 10
    return total


def render_number(value: int | float | Decimal | str, form: str = "arabic") -> str:
    """Write a non-negative number in one of :data:`FORMS`.

    ``arabic`` 12345.6, ``grouped`` 12,345.6, ``fullwidth`` １２３４５．６,
    ``chinese`` 一万二千三百四十五点六, ``magnitude`` 1.23456万 (亿 from 10^8 up).
    """
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise InputError(f"not a number: {value!r}") from exc
    if not d.is_finite() or d < 0:
        raise InputError(f"cannot render {value!r}")
    if form == "arabic":
        return _plain(d)
    if form == "grouped":
        whole, _, frac = _plain(d).partition(".")
        return f"{int(whole):,}" + ("." + frac if frac else "")
    if form == "fullwidth":
        return _plain(d).translate(_TO_FULLWIDTH)
    if form == "magnitude":
        mag = "亿" if d >= 10**8 else "万"
        return _plain(d / MAGNITUDES[mag]) + mag
    if form == "chinese":
        whole, _, frac = _plain(d).partition(".")
        text = _cn_render(int(whole))
        return text + ("点" + "".join(_PLAIN_DIGITS[int(c)] for c in frac) if frac else "")
    raise InputError(f"unknown form {form!r}; expected one of {', '.join(FORMS)}")


def _plain(d: Decimal) -> str:
    """Positional notation without exponent or trailing zeros."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _cn_render(n: int) -> str:
    """Standard Chinese numeral for a non-negative integer."""
    if n == 0:
        return "零"
    if n >= 10**8:
        hi, lo = divmod(n, 10**8)
        tail = ("零" if lo < 10**7 else "") + _cn_wan(lo, leading=False) if lo else ""
        return _cn_render(hi) + "亿" + tail
    return _cn_wan(n, leading=True)


def _cn_wan(n: int, *, leading: bool) -> str:
    """Chinese numeral below 10^8."""
    if n >= 10**4:
        hi, lo = divmod(n, 10**4)
        tail = ("零" if lo < 1000 else "") + _cn_section(lo, leading=False) if lo else ""
        return _cn_section(hi, leading=leading) + "万" + tail
    return _cn_section(n, leading=leading)


def _cn_section(n: int, *, leading: bool) -> str:
    """Chinese numeral below 10,000 (``十五`` only at the very start)."""
    out: list[str] = []
    pending_zero = False
    for mult, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // mult % 10
        if digit:
            if pending_zero:
                out.append("零")
            out.append(_PLAIN_DIGITS[digit] + name)
            pending_zero = False
        elif out:
            pending_zero = True
    text = "".join(out)
    if leading and text.startswith("一十"):
        text = text[1:]
    return text
