"""Byte-offset edits of a Tcl script (offsets as `parse_tcl` gives them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Edit:
    start: int
    end: int
    text: str


def apply_edits(script: str, edits: list[Edit]) -> str:
    """The script with the edits made; of overlapping edits, the first (by position) wins."""
    data = script.encode("utf-8")
    taken: list[tuple[int, int]] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if any(e.start < b and a < max(e.end, e.start + 1) for a, b in taken):
            continue  # overlaps an edit already accepted
        taken.append((e.start, max(e.end, e.start + 1)))
    kept = [e for e in edits if (e.start, max(e.end, e.start + 1)) in taken]
    for e in sorted(kept, key=lambda e: e.start, reverse=True):
        data = data[:e.start] + e.text.encode("utf-8") + data[e.end:]
    return data.decode("utf-8")
