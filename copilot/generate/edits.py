"""Byte-offset edits of a Tcl script (offsets as `parse_tcl` gives them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Edit:
    start: int
    end: int
    text: str


def apply_edits(script: str, edits: list[Edit]) -> str:
    """The script with the edits made; of overlapping edits, the first (by position) wins.
    Insertions at the same point all apply; an exact repeat of an edit applies once."""
    data = script.encode("utf-8")
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if any(e == k or _overlap(e, k) for k in kept):
            continue
        kept.append(e)
    order = {id(e): i for i, e in enumerate(edits)}  # insertions at one point keep their order
    for e in sorted(kept, key=lambda e: (e.start, order[id(e)]), reverse=True):
        data = data[:e.start] + e.text.encode("utf-8") + data[e.end:]
    return data.decode("utf-8")


def _overlap(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return False  # two insertions
    return a.start < max(b.end, b.start + 1) and b.start < max(a.end, a.start + 1)
