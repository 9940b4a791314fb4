"""Word segmentation with jieba (precise mode, HMM on), the project user dictionary and stop words.

Every :class:`Segmenter` owns its ``jieba.Tokenizer``: jieba's global tokenizer, logger and
warnings are left as they were. The HMM joins runs of characters the dictionary does not know
(爱姆意, 云走秀); the user dictionary keeps the names and policy terms of this text whole.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from online_economy import paths
from online_economy.errors import InputError

if TYPE_CHECKING:
    from jieba.posseg import POSTokenizer

DEFAULT_USERDICT = paths.REFERENCE / "userdict.txt"
DEFAULT_STOPWORDS = paths.REFERENCE / "stopwords.txt"
JIEBA_CACHE = paths.CACHE / "jieba"
_USERDICT_LINE = re.compile(r"(\S+) [1-9][0-9]* [a-z]+")
_NUMERAL_CHARS = frozenset("0123456789.%％．〇零一二三四五六七八九十百千万亿两")


@contextmanager
def quiet_jieba() -> Iterator[None]:
    """Silence jieba's logger and its warnings (invalid escapes, pkg_resources, unclosed files)."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            for category in (SyntaxWarning, DeprecationWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            warnings.filterwarnings("ignore", message=".*pkg_resources", category=UserWarning)
            yield
    finally:
        logger.setLevel(level)


with quiet_jieba():
    import jieba


class Token(NamedTuple):
    """One word of a text and its place: ``text[start:end] == word``."""

    word: str
    start: int
    end: int


def _lines(path: Path, what: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from exc


def load_stopwords(path: Path = DEFAULT_STOPWORDS) -> frozenset[str]:
    """Read a stop-word file: one word a line; ``#`` comments and blank lines skipped."""
    lines = _lines(path, "stop words")
    return frozenset(s for line in lines if (s := line.strip()) and not s.startswith("#"))


def load_userdict_words(path: Path = DEFAULT_USERDICT) -> list[str]:
    """The words of a jieba user dictionary, every line checked to be ``word freq tag``.

    jieba would take a comment line for a word, and a zero frequency would change its global
    HMM state (``finalseg.add_force_split``).
    """
    words = []
    for number, line in enumerate(_lines(path, "user dictionary"), 1):
        if not (match := _USERDICT_LINE.fullmatch(line)):
            raise InputError(f"{path}:{number}: expected 'word freq tag', got {line!r}")
        words.append(match[1])
    return words


def is_punctuation(word: str) -> bool:
    """True for ASCII or full-width punctuation and symbols (Unicode P* or S*)."""
    return bool(word) and all(unicodedata.category(ch)[0] in "PS" for ch in word)


def is_numeral(word: str) -> bool:
    """True for numbers and numerals: 2020, 1.4, 30%, 三, 一百."""
    return bool(word) and all(ch.isdigit() or ch in _NUMERAL_CHARS for ch in word)


def _tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer whose prefix-dictionary cache is in ``.cache/jieba``."""
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir, tokenizer.cache_file = str(JIEBA_CACHE), "jieba.cache"
    return tokenizer


@functools.cache
def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary (word -> frequency, total), loaded once; segmenters copy it."""
    JIEBA_CACHE.mkdir(parents=True, exist_ok=True)
    base = _tokenizer()
    with quiet_jieba():
        base.initialize()
    return base.FREQ, base.total


class Segmenter:
    """jieba with its own tokenizer, an optional user dictionary and stop words.

    ``userdict=None`` is plain jieba (for comparison); ``stopwords=None`` drops only
    punctuation, whitespace and numbers in :meth:`words`.
    """

    def __init__(
        self, userdict: Path | None = DEFAULT_USERDICT, stopwords: Path | None = DEFAULT_STOPWORDS
    ) -> None:
        self.userdict = userdict
        self.stopwords = load_stopwords(stopwords) if stopwords is not None else frozenset()
        self.userdict_words = load_userdict_words(userdict) if userdict is not None else []
        freq, total = _main_dictionary()
        self.tokenizer = _tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(freq), total  # own copy to extend
        self.tokenizer.initialized = True
        self._pos_tokenizer: POSTokenizer | None = None
        if userdict is not None:
            with quiet_jieba(), open(userdict, "rb") as handle:
                self.tokenizer.load_userdict(handle)

    def __repr__(self) -> str:
        return f"Segmenter(userdict={self.userdict!r}, stopwords={len(self.stopwords)} words)"

    def cut(self, text: str) -> list[str]:
        """All pieces of ``text`` in order (precise mode, HMM on); they join back to ``text``."""
        return self.tokenizer.lcut(_check(text), cut_all=False, HMM=True)

    def tokens(self, text: str) -> list[Token]:
        """The pieces of :meth:`cut` with their offsets into ``text``."""
        return [Token(*t) for t in self.tokenizer.tokenize(_check(text), HMM=True)]

    def is_content_word(self, word: str) -> bool:
        """False for stop words, whitespace, punctuation and numbers."""
        return bool(word.strip()) and word not in self.stopwords and not (
            is_punctuation(word) or is_numeral(word))

    def words(self, text: str) -> list[str]:
        """The content words of ``text``, in order (see :meth:`is_content_word`)."""
        return [w for w in self.cut(text) if self.is_content_word(w)]

    def pos_tokenizer(self) -> POSTokenizer:
        """A ``jieba.posseg.POSTokenizer`` on this tokenizer (one per segmenter, with user tags)."""
        if self._pos_tokenizer is None:
            with quiet_jieba():
                import jieba.posseg

                self._pos_tokenizer = jieba.posseg.POSTokenizer(self.tokenizer)
                self._pos_tokenizer.makesure_userdict_loaded()
        return self._pos_tokenizer


def _check(text: str) -> str:
    if not isinstance(text, str):
        raise InputError(f"expected text (str), got {type(text).__name__}")
    return text


def get_segmenter(use_userdict: bool = True) -> Segmenter:
    """A shared segmenter (built once per process), with or without the user dictionary."""
    return _shared_segmenter(bool(use_userdict))


@functools.cache
def _shared_segmenter(use_userdict: bool) -> Segmenter:
    return Segmenter(userdict=DEFAULT_USERDICT if use_userdict else None)
