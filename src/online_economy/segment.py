"""Word segmentation with jieba (precise mode, HMM on), the project user dictionary, stop words."""

import functools
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from online_economy import paths
from online_economy.errors import InputError
from online_economy.reference import read_lines, read_text

DEFAULT_USERDICT = paths.REFERENCE / "userdict.txt"
DEFAULT_STOPWORDS = paths.REFERENCE / "stopwords.txt"
_USERDICT_LINE = re.compile(r"(\S+) [1-9][0-9]* [a-z]+")
_NUMERAL_CHARS = frozenset("0123456789.%％．〇零一二三四五六七八九十百千万亿两")
_SHARED: dict[bool, "Segmenter"] = {}  # get_segmenter's segmenters, with and without userdict


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


def load_stopwords(path: Path = DEFAULT_STOPWORDS) -> frozenset[str]:
    """Read a stop-word file: one word a line; ``#`` comments and blank lines skipped."""
    return frozenset(read_lines(path))


def load_userdict_words(path: Path = DEFAULT_USERDICT) -> list[str]:
    """The words of a jieba user dictionary, every line checked to be ``word freq tag``."""
    # jieba would take a comment for a word; a zero frequency changes its global HMM state
    words = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
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


@functools.cache
def _main_dictionary() -> tuple[dict[str, int], int]:
    """jieba's main dictionary (word -> frequency, total), read once; segmenters copy it."""
    with quiet_jieba():
        return jieba.Tokenizer.gen_pfdict(jieba.Tokenizer().get_dict_file())


class Segmenter:
    """jieba with its own tokenizer (jieba's global one is left alone), an optional user
    dictionary (None: plain jieba) and the project's stop words."""

    def __init__(self, userdict: Path | None = DEFAULT_USERDICT) -> None:
        self.stopwords = load_stopwords()
        freq, total = _main_dictionary()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.FREQ, self.tokenizer.total = dict(freq), total  # own copy to extend
        self.tokenizer.initialized = True
        if userdict is not None:
            load_userdict_words(userdict)  # every line checked: jieba reads a comment as a word
            with quiet_jieba(), open(userdict, "rb") as handle:
                self.tokenizer.load_userdict(handle)

    def cut(self, text: str) -> list[str]:
        """All pieces of ``text`` in order (precise mode, HMM on); they join back to ``text``."""
        if not isinstance(text, str):
            raise InputError(f"expected text (str), got {type(text).__name__}")
        return self.tokenizer.lcut(text, cut_all=False, HMM=True)

    def words(self, text: str) -> list[str]:
        """The words of ``text`` in order, without stop words, space, punctuation and numbers."""
        return [w for w in self.cut(text) if w.strip() and w not in self.stopwords
                and not is_punctuation(w) and not is_numeral(w)]


def get_segmenter(use_userdict: bool = True) -> Segmenter:
    """A shared segmenter (built once per process), with or without the user dictionary."""
    if (key := bool(use_userdict)) not in _SHARED:
        _SHARED[key] = Segmenter(userdict=DEFAULT_USERDICT if key else None)
    return _SHARED[key]
