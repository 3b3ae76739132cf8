"""The keyword side of hybrid search: BM25 over every live passage, cached on disk.

Scoring is the project's BM25 (copilot.retrieval.bm25); the tokeniser here is tuned for
documentation rather than requests: it keeps words such as "list" and "get" that matter in
manuals, strips plural "s", and splits identifiers (`report_checks`, `-path_delay`) into
parts while keeping them whole.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

from copilot.retrieval.bm25 import BM25

_WORD = re.compile(r"[a-z0-9][a-z0-9_]*")
STOP = frozenset(
    "a an the of to for in on and or is it be as at by with from that this these those which what "
    "how do does i me my you your can will would should could are was were has have had not no "
    "if then than so such into its their there when where who why use used using".split())
FORMAT = 2  # bump when tokenising changes: cached indexes of another format are rebuilt

# (suffix, replacement), longest first; a light stemmer so "abbreviated", "abbreviates" and
# "abbreviate" meet, without a stemming library. Both sides of a match go through it.
_SUFFIXES = (("ational", "ate"), ("ization", "ize"), ("ies", "y"), ("ing", ""), ("ed", ""),
             ("es", ""), ("ly", ""), ("s", ""), ("e", ""))


def _stem(word: str) -> str:
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            if suffix in ("ing", "ed") and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "setting" -> "sett" -> "set"
            break
    return word


def doc_tokens(text: str) -> list[str]:
    """Lower-case words (plural s stripped); identifiers also yield their parts."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("_")
        if not word or word in STOP:
            continue
        if "_" in word:
            out.append(word)
            out.extend(_stem(p) for p in word.split("_") if p and p not in STOP)
        else:
            out.append(_stem(word))
    return out


@dataclass
class KeywordIndex:
    """Live passages (ids, texts, metadata) with their BM25 statistics."""

    ids: list[str]
    texts: list[str]
    metas: list[dict]
    bm25: BM25 = field(repr=False)

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metas: list[dict]) -> "KeywordIndex":
        return cls(ids, texts, metas, BM25([doc_tokens(t) for t in texts]))

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) of the k best passages with any query word, best first."""
        return self.bm25.top(doc_tokens(query), k)

    def save(self, path: Path) -> None:
        """Atomically, through a unique temp file: readers in several processes share the cache."""
        from copilot.atomic import write_bytes_atomic

        write_bytes_atomic(path, pickle.dumps((FORMAT, self), protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path) -> "KeywordIndex | None":
        """The cached index, or None when it is missing or from another format.

        The cache is written only by this module into the user's own data dir.
        """
        try:
            with open(path, "rb") as handle:
                version, index = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            return None
        return index if version == FORMAT and isinstance(index, cls) else None
