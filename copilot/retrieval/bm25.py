"""Okapi BM25 over small in-memory corpora (example banks, catalogs).

Written here rather than taken from PyPI: rank-bm25 is unmaintained and pulls nothing we
need, and tokenisation must keep Tcl identifiers like `report_checks` and `-path_delay`
whole while also matching their parts.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?")
STOP = frozenset("a an the of to for in on and or me my i is it be with by from all each "
                 "that this what which show give print list get please can you".split())


def tokens(text: str) -> list[str]:
    """Lower-case words; identifiers also contribute their underscore-separated parts."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in STOP:
            continue
        out.append(word)
        if "_" in word.strip("_"):
            out.extend(p for p in word.split("_") if p and p not in STOP)
    return out


class BM25:
    """Score documents for a query; documents are given as token lists."""

    def __init__(self, docs: list[list[str]], k1: float = 1.4, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.freqs = [Counter(d) for d in docs]
        self.lengths = [len(d) for d in docs]
        self.avg = sum(self.lengths) / max(1, len(docs))
        df: Counter[str] = Counter()
        for f in self.freqs:
            df.update(f.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query: list[str]) -> list[float]:
        out = []
        for f, length in zip(self.freqs, self.lengths):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg or 1))
            for t in query:
                if t in f:
                    tf = f[t]
                    s += self.idf[t] * tf * (self.k1 + 1) / (tf + norm)
            out.append(s)
        return out

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        ranked = sorted(enumerate(self.scores(query)), key=lambda p: -p[1])
        return [(i, s) for i, s in ranked[:k] if s > 0]
