"""Sections to passages of about 500-1,500 characters that keep a command's section whole.

A section that fits is one passage; a longer one is cut at blank lines (then lines), and
each piece repeats the heading. Sections shorter than `min_chars` are joined with the
following ones of the same document while the result still fits, so a one-line command
entry is not a passage of its own with nothing to match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.docs.document import PAGE_BREAK, Document, Passage, Section

MIN_CHARS = 500
MAX_CHARS = 1500
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


@dataclass
class _Piece:
    headings: list[str]
    body: str
    page: int | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(h) + 1 for h in self.headings)


def _split(text: str, limit: int, separators: tuple[str, ...] = ("\n\n", "\n")) -> list[str]:
    """Cut text at paragraph breaks, then line breaks, then hard, into parts <= limit."""
    if len(text) <= limit:
        return [text]
    if not separators:
        return [text[i:i + limit] for i in range(0, len(text), limit)]
    separator, finer = separators[0], separators[1:]
    units = _PARAGRAPH.split(text) if separator == "\n\n" else text.split(separator)
    parts: list[str] = []
    current = ""
    for unit in units:
        if len(unit) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.extend(_split(unit, limit, finer))
        elif not current:
            current = unit
        elif len(current) + len(separator) + len(unit) <= limit:
            current += separator + unit
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    return parts


def _pieces(section: Section, limit: int) -> list[_Piece]:
    """A section's pieces, each with the page it starts on (page breaks are counted)."""
    pieces = []
    breaks = 0
    heading_room = len(section.heading) + len(" (continued)") + 1
    for part in _split(section.text.strip("\n"), max(limit - heading_room, 100)):
        text = part.replace(PAGE_BREAK, "").strip("\n")
        lead = len(part) - len(part.lstrip())
        page = None if section.page is None else section.page + breaks + part[:lead].count(PAGE_BREAK)
        breaks += part.count(PAGE_BREAK)
        if text.strip():
            heading = section.heading if not pieces else f"{section.heading} (continued)"
            pieces.append(_Piece([heading], text, page))
    return pieces


def _with_heading(heading: str, body: str) -> str:
    """The body under its heading line, unless the body already opens with it (PDF headings)."""
    return body if body.startswith(heading) else f"{heading}\n{body}"


def chunk_document(document: Document, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[Passage]:
    """Passages for one document, in reading order."""
    merged: list[_Piece] = []
    limit = max_chars - len(document.title) - 1  # every passage starts with the title line
    for section in document.sections:
        for piece in _pieces(section, limit):
            if piece.body.strip() == piece.headings[0].strip():
                continue  # a bare heading ("Commands") says nothing on its own
            last = merged[-1] if merged else None
            if last and last.size < min_chars and last.size + piece.size + 2 <= limit:
                last.headings += piece.headings
                last.body += "\n\n" + _with_heading(piece.headings[0], piece.body)
                continue
            merged.append(piece)
    passages = []
    for piece in merged:
        text = _with_heading(piece.headings[0], piece.body)
        if piece.headings[0] != document.title:
            text = f"{document.title}\n{text}"
        passages.append(Passage(text, document.source, _title(document.title, piece.headings), piece.page))
    return passages


def _title(doc_title: str, headings: list[str]) -> str:
    shown = [h for h in headings if h != doc_title][:3]
    more = len(headings) - len(shown) - (doc_title in headings)
    label = ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")
    return f"{doc_title} — {label}" if label else doc_title
