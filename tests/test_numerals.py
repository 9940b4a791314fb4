"""Reading numbers (written by numeral_forms): Arabic, full-width, grouped, Chinese, 万/亿."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeral_forms import FORMS, parse_number, render_number

from online_economy.errors import InputError
from online_economy.numerals import parse_decimal

FAST = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0), ("12", 12), ("12.5", 12.5), ("6.8", 6.8), ("1884.28", 1884.28),
        ("1,000", 1000), ("12,345,678", 12345678), ("1,000.25", 1000.25),
        ("１２３", 123), ("１２．５", 12.5), ("３,０００", 3000),
        ("1.4万", 14000), ("3万", 30000), ("5亿", 500000000), ("3千", 3000),
        ("2百万", 2000000), ("5千万", 50000000), ("1万亿", 10**12), ("1884.28亿", 188428000000),
        ("〇", 0), ("零", 0), ("一", 1), ("两", 2), ("十", 10), ("十五", 15), ("二十", 20),
        ("一百", 100), ("一百一十", 110), ("二百三十", 230), ("两千", 2000), ("一千零五", 1005),
        ("一万二千", 12000), ("一万零一百", 10100), ("三千五百万", 35000000), ("十万", 100000),
        ("两万五", 25000), ("一千五", 1500), ("三百五", 350), ("一亿五", 150000000),
        ("一亿零五", 100000005), ("三万亿", 3 * 10**12), ("一亿三千万", 130000000),
        ("十五点二", 15.2), ("零点五", 0.5), ("三点一四", 3.14), ("二〇二〇", 2020),
        # signs, mixed Arabic forms, the longest integer read
        ("-5", -5), ("−7.2", -7.2), ("－3", -3), ("负5.2", -5.2), ("-1.4万", -14000),
        ("1万2千", 12000), ("3万5千", 35000), ("3亿5000万", 350000000),
        ("3亿5千万", 350000000), ("2千3百", 2300), ("9" * 15, 10**15 - 1),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_parse_decimal_is_exact() -> None:
    assert parse_decimal("1.4万") == Decimal(14000)
    assert parse_number("1.4万") == 14000.0  # 1.4 * 10000 in floats is 14000.000000000002


@pytest.mark.parametrize(
    "garbage",
    [
        "", " 5", "5 ", "abc", "--5", "-", "1e5", "1.2.3", ".5", "5.", "1,00", "1,0000", "12,34",
        "1,000,00", "1，000", "万", "亿", "百万", "十十", "一百十", "千百", "五十十", "三万万",
        "一亿亿", "十二三", "两三", "零十", "一点", "点五", "十五点两", "1.4万万", "3万5", "5%",
        "3千5万", "1万12千", "1万2千3千", "9" * 16, "1" * 5000,
    ],
)
def test_parse_number_rejects_garbage(garbage: str) -> None:
    with pytest.raises(InputError):
        parse_number(garbage)
    with pytest.raises(ValueError):  # InputError is a ValueError
        parse_number(garbage)


def test_parse_number_rejects_non_strings() -> None:
    with pytest.raises(InputError):
        parse_number(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "form", "text"),
    [
        (12345, "arabic", "12345"), (12.50, "arabic", "12.5"),
        (1234567.5, "grouped", "1,234,567.5"),
        (123, "grouped", "123"), (12.5, "fullwidth", "１２．５"), (14000, "magnitude", "1.4万"),
        (188428000000, "magnitude", "1884.28亿"), (10, "chinese", "十"), (15, "chinese", "十五"),
        (110, "chinese", "一百一十"), (1005, "chinese", "一千零五"), (12000, "chinese", "一万二千"),
        (10100, "chinese", "一万零一百"), (35000000, "chinese", "三千五百万"),
        (100000001, "chinese", "一亿零一"), (100100000, "chinese", "一亿零一十万"),
        (3 * 10**12, "chinese", "三万亿"), (15.2, "chinese", "十五点二"), (0, "chinese", "零"),
        (1.05, "chinese", "一点〇五"),
    ],
)
def test_render_number(value: float, form: str, text: str) -> None:
    assert render_number(value, form) == text


@pytest.mark.parametrize(("value", "form"), [(-1, "arabic"), ("nan", "arabic"), (5, "roman")])
def test_render_number_rejects(value: object, form: str) -> None:
    with pytest.raises(InputError):
        render_number(value, form)  # type: ignore[arg-type]


#: Non-negative amounts: integers up to 10^13 and numbers with up to two decimals.
AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**13).map(Decimal),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
)


@FAST
@given(AMOUNTS, st.sampled_from(FORMS))
def test_round_trip(value: Decimal, form: str) -> None:
    text = render_number(value, form)
    assert parse_decimal(text) == value
    assert parse_number(text) == float(value)
