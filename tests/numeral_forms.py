"""Numbers written in the forms a text may use, for round trips through the numeral reader.

Only the tests write numbers: :func:`render_number` builds inputs that
:func:`online_economy.numerals.parse_decimal` and the quantity extractor must read back.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from online_economy.errors import InputError
from online_economy.numerals import FULLWIDTH, MAGNITUDES, parse_decimal

FORMS = ("arabic", "grouped", "fullwidth", "chinese", "magnitude")
_PLAIN_DIGITS = "〇一二三四五六七八九"  # the digits render_number writes


def parse_number(s: str) -> float:
    """The value of one written number (``1,000``, ``1.4万``, ``十五点二``), else InputError."""
    return float(parse_decimal(s))


def render_number(value: int | float | Decimal | str, form: str = "arabic") -> str:
    """Write a non-negative number in one of :data:`FORMS` (magnitude: 万, or 亿 from 10^8)."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise InputError(f"not a number: {value!r}") from exc
    if not d.is_finite() or d < 0:
        raise InputError(f"cannot render {value!r}")
    whole, _, frac = format(d, "f").partition(".")
    frac = frac.rstrip("0")
    point = "." + frac if frac else ""
    if form == "arabic":
        return whole + point
    if form == "grouped":
        return f"{int(whole):,}" + point
    if form == "fullwidth":
        return (whole + point).translate({v: k for k, v in FULLWIDTH.items()})
    if form == "magnitude":
        mag = "亿" if d >= 10**8 else "万"
        return render_number(d / MAGNITUDES[mag]) + mag
    if form == "chinese":
        text = _cn_render(int(whole)) or "零"
        text = text[1:] if text.startswith("一十") else text  # 十五, not 一十五
        return text + ("点" + "".join(_PLAIN_DIGITS[int(c)] for c in frac) if frac else "")
    raise InputError(f"unknown form {form!r}; expected one of {', '.join(FORMS)}")


def _cn_render(n: int) -> str:
    """Standard Chinese numeral of a non-negative integer ("" for 0)."""
    for mark in "亿万":
        level = MAGNITUDES[mark]
        if n >= level:
            hi, lo = divmod(n, level)
            tail = ("零" if lo < level // 10 else "") + _cn_render(lo) if lo else ""
            return _cn_render(hi) + mark + tail
    places = zip(f"{n:04d}", ("千", "百", "十", ""), strict=True)
    text = "".join(_PLAIN_DIGITS[int(c)] + (name if c != "0" else "") for c, name in places)
    return re.sub("〇+", "零", text).strip("零")
