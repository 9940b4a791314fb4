"""The segmenter's pieces with their offsets into the text, for the tests that check them."""

from itertools import accumulate
from typing import NamedTuple

from online_economy.segment import Segmenter


class Token(NamedTuple):
    """One word of a text and its place: ``text[start:end] == word``."""

    word: str
    start: int
    end: int


def tokens(segmenter: Segmenter, text: str) -> list[Token]:
    """The pieces of ``segmenter.cut(text)`` with their offsets into ``text``."""
    words = segmenter.cut(text)
    ends = accumulate(map(len, words))
    return [Token(w, end - len(w), end) for w, end in zip(words, ends, strict=True)]
