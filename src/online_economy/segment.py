"""Word segmentation with jieba, the project user dictionary and stop words.

Every :class:`Segmenter` owns its own ``jieba.Tokenizer``; jieba's global tokenizer
(``jieba.dt``), its logger and its warnings are left as they were. Segmentation is
jieba's precise mode with the HMM on: the HMM joins runs of characters the dictionary
does not know (爱姆意, 云走秀), and the user dictionary keeps the names and policy terms
of this text whole. Same input, same output.
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

_USERDICT_LINE = re.compile(r"^(\S+) ([1-9][0-9]*) ([a-z]+)$")
_NUMERAL_CHARS = frozenset("0123456789.%％．〇零一二三四五六七八九十百千万亿两")


@contextmanager
def quiet_jieba() -> Iterator[None]:
    """Silence jieba's logger and import-time warnings for a block, then restore both.

    jieba 0.42.1 logs "Building prefix dict ..." at DEBUG to stderr, has invalid escape
    sequences (DeprecationWarning on 3.11, SyntaxWarning on 3.12+ when compiled), may
    import the deprecated ``pkg_resources`` and leaves files unclosed (ResourceWarning).
    """
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


def load_stopwords(path: Path = DEFAULT_STOPWORDS) -> frozenset[str]:
    """Read a stop-word file: one word a line; ``#`` comments and blank lines skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read stop words {path}: {exc}") from exc
    return frozenset(s for line in lines if (s := line.strip()) and not s.startswith("#"))


def load_userdict_words(path: Path = DEFAULT_USERDICT) -> list[str]:
    """The words of a jieba user dictionary, in file order, after checking every line.

    Each line must be ``word freq tag`` (freq a positive integer, tag lower-case letters):
    jieba's loader would take a comment line for a word, and a zero frequency would
    change jieba's global HMM state (``finalseg.add_force_split``).
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read user dictionary {path}: {exc}") from exc
    words = []
    for number, line in enumerate(lines, 1):
        match = _USERDICT_LINE.match(line)
        if match is None:
            raise InputError(f"{path}:{number}: expected 'word freq tag', got {line!r}")
        words.append(match.group(1))
    return words


def is_punctuation(word: str) -> bool:
    """True for ASCII or full-width punctuation and symbols (Unicode P* or S*)."""
    return bool(word) and all(unicodedata.category(ch)[0] in "PS" for ch in word)


def is_numeral(word: str) -> bool:
    """True for numbers and numerals: 2020, 1.4, 30%, 三, 一百."""
    return bool(word) and all(ch.isdigit() or ch in _NUMERAL_CHARS for ch in word)


@functools.cache
def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary (word -> frequency, and the total), loaded once per process.

    Every :class:`Segmenter` starts from a copy, so a second one costs a dict copy rather
    than another load; jieba's prefix-dictionary cache lives in ``.cache/jieba``.
    """
    JIEBA_CACHE.mkdir(parents=True, exist_ok=True)
    base = jieba.Tokenizer()
    base.tmp_dir = str(JIEBA_CACHE)
    base.cache_file = "jieba.cache"
    with quiet_jieba():
        base.initialize()
    return base.FREQ, base.total


class Segmenter:
    """jieba segmentation with its own tokenizer, an optional user dictionary and stop words.

    ``Segmenter(userdict=None)`` is plain jieba (for comparison); ``stopwords=None`` keeps
    every word except punctuation, whitespace and numbers in :meth:`words`.
    """

    def __init__(
        self,
        userdict: Path | None = DEFAULT_USERDICT,
        stopwords: Path | None = DEFAULT_STOPWORDS,
    ) -> None:
        self.userdict = userdict
        self.stopwords = load_stopwords(stopwords) if stopwords is not None else frozenset()
        self.userdict_words = load_userdict_words(userdict) if userdict is not None else []
        freq, total = _main_dictionary()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.tmp_dir = str(JIEBA_CACHE)
        self.tokenizer.cache_file = "jieba.cache"
        self.tokenizer.FREQ, self.tokenizer.total = dict(freq), total  # own copy to extend
        self.tokenizer.initialized = True
        self._pos_tokenizer: POSTokenizer | None = None
        with quiet_jieba():
            if userdict is not None:
                with open(userdict, "rb") as handle:
                    self.tokenizer.load_userdict(handle)

    def __repr__(self) -> str:
        return f"Segmenter(userdict={self.userdict!r}, stopwords={len(self.stopwords)} words)"

    def cut(self, text: str) -> list[str]:
        """All pieces of ``text`` in order (precise mode, HMM on); they join back to ``text``."""
        return self.tokenizer.lcut(_check(text), cut_all=False, HMM=True)

    def tokens(self, text: str) -> list[Token]:
        """The pieces of :meth:`cut` with their offsets into ``text``."""
        return [Token(w, s, e) for w, s, e in self.tokenizer.tokenize(_check(text), HMM=True)]

    def is_content_word(self, word: str) -> bool:
        """False for stop words, whitespace, punctuation and numbers."""
        return not (
            not word.strip()
            or word in self.stopwords
            or is_punctuation(word)
            or is_numeral(word)
        )

    def words(self, text: str) -> list[str]:
        """The content words of ``text``, in order (see :meth:`is_content_word`)."""
        return [w for w in self.cut(text) if self.is_content_word(w)]

    def pos_tokenizer(self) -> POSTokenizer:
        """A ``jieba.posseg.POSTokenizer`` on this tokenizer (one per segmenter, with user tags)."""
        if self._pos_tokenizer is None:
            with quiet_jieba():
                import jieba.posseg

                pos = jieba.posseg.POSTokenizer(self.tokenizer)
                pos.makesure_userdict_loaded()
            self._pos_tokenizer = pos
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
