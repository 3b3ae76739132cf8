"""Corpus text: decode files in any common encoding, clean, and find (near-)duplicates."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0e-\x1f\x7f]")
# transformers and llama.cpp split runs of more than 16 spaces differently (notes/training.md)
_LONG_SPACES = re.compile(r" {17,}")
_BLANKS = re.compile(r"\n{3,}")
_WORD = re.compile(r"\w+|[^\w\s]")
_DIGEST = re.compile(r"\b[0-9a-fA-F]{32,}\b")


def decode(data: bytes) -> tuple[str | None, str]:
    """Text of `data` and the encoding used; None for binary files (NUL bytes).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything else that
    is not UTF-8 is read as cp1252, then latin-1, which never fail.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:8192]:
        return None, "binary"
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    return None, "binary"  # unreachable: latin-1 decodes every byte


def clean(text: str) -> str:
    """Normalise newlines, drop control characters, trailing spaces, long blank runs and hex digests."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _LONG_SPACES.sub(" " * 16, text)
    text = _DIGEST.sub("<digest>", text)  # sha256s of provenance files: no language in them
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def exact_key(text: str) -> str:
    """Whitespace- and case-insensitive hash for exact duplicates."""
    return hashlib.sha1(" ".join(text.lower().split()).encode("utf-8")).hexdigest()


def shingles(text: str, n: int = 5) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return {" ".join(words)}
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


@dataclass
class NearDuplicates:
    """MinHash + LSH over word 5-gram shingles: is a text ~`threshold` Jaccard-similar to one seen?

    64 hashes in 16 bands of 4 rows finds pairs at Jaccard 0.8 with ~99% probability and
    rarely proposes pairs below 0.5; proposals are confirmed on the signatures.
    """

    threshold: float = 0.8
    hashes: int = 64
    bands: int = 16
    _buckets: dict = field(default_factory=dict)
    _signatures: list = field(default_factory=list)

    def signature(self, text: str) -> tuple[int, ...]:
        import numpy as np

        grams = shingles(text)
        base = np.array([int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
                         for g in grams], dtype=np.uint64)
        seeds = np.arange(1, self.hashes + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        mixed = (base[None, :] ^ seeds[:, None]) * np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(31)
        return tuple(int(v) for v in mixed.min(axis=1))

    def seen(self, text: str) -> bool:
        """True if a near-duplicate was added before; otherwise remember this text."""
        sig = self.signature(text)
        rows = self.hashes // self.bands
        keys = [(b, sig[b * rows:(b + 1) * rows]) for b in range(self.bands)]
        for key in keys:
            for other in self._buckets.get(key, ()):
                agree = sum(a == b for a, b in zip(sig, self._signatures[other])) / self.hashes
                if agree >= self.threshold:
                    return True
        index = len(self._signatures)
        self._signatures.append(sig)
        for key in keys:
            self._buckets.setdefault(key, []).append(index)
        return False
