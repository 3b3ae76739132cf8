"""Long paths and hashes swapped for short aliases before summarizing, restored after (ChipNeMo).

A 40-character path costs a small model a dozen tokens and it rarely copies one back
exactly; `PATH3` costs two and comes back intact. Aliases are chosen so they never occur
in the original text, which makes restore(apply(text)) == text for any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Runs of characters that can make up a path, URL or hash; quotes and brackets end them.
_TOKEN = re.compile(r"[^\s'\"<>()\[\]{},;|`]+")
_TRAILING = ".:!?"
_HEX = re.compile(r"[0-9a-f]{8,64}|[0-9A-F]{8,64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MIN_PATH = 20


def is_long_path(token: str) -> bool:
    """A path or URL with at least two separators and 20+ characters."""
    return len(token) >= MIN_PATH and token.count("/") >= 2


def is_hash(token: str) -> bool:
    """A hex string (commit, checksum, UUID) of 8+ characters with both digits and letters."""
    return bool(_HEX.fullmatch(token)) and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def _free_prefix(text: str, base: str) -> str:
    """`base`, lengthened until no `<prefix><digit>` occurs in `text`."""
    prefix = base
    while re.search(re.escape(prefix) + r"\d", text):
        prefix += "X"
    return prefix


@dataclass
class Aliases:
    """A two-way map between aliases (PATH1, HASH1...) and the strings they stand for."""

    path_prefix: str = "PATH"
    hash_prefix: str = "HASH"
    originals: dict[str, str] = field(default_factory=dict)  # alias -> original
    _by_original: dict[str, str] = field(default_factory=dict)

    @classmethod
    def for_text(cls, text: str) -> "Aliases":
        return cls(_free_prefix(text, "PATH"), _free_prefix(text, "HASH"))

    def _alias(self, original: str, prefix: str) -> str:
        if original not in self._by_original:
            count = sum(1 for a in self.originals if a.startswith(prefix) and a[len(prefix):].isdigit())
            alias = f"{prefix}{count + 1}"
            self.originals[alias] = original
            self._by_original[original] = alias
        return self._by_original[original]

    def apply(self, text: str) -> str:
        """`text` with each long path and hash replaced by its alias."""
        out, last = [], 0
        for match in _TOKEN.finditer(text):
            token = match.group(0).rstrip(_TRAILING)
            if is_long_path(token):
                alias = self._alias(token, self.path_prefix)
            elif is_hash(token):
                alias = self._alias(token, self.hash_prefix)
            else:
                continue
            out.append(text[last:match.start()])
            out.append(alias)
            last = match.start() + len(token)
        out.append(text[last:])
        return "".join(out)

    def restore(self, text: str) -> str:
        """`text` with every known alias replaced by its original (unknown ones are left)."""
        if not self.originals:
            return text
        pattern = re.compile(rf"(?<!\w)(?:{re.escape(self.path_prefix)}|{re.escape(self.hash_prefix)})\d+(?!\d)")
        return pattern.sub(lambda m: self.originals.get(m.group(0), m.group(0)), text)
