"""Markdown and reStructuredText: one section per heading, with the heading path as title."""

from __future__ import annotations

import re
from pathlib import Path

from copilot.docs.document import Document, Section, clean_text
from copilot.docs.loaders import read_text_file

_ATX = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+.:_])\1{2,}\s*$")


def _sections(path: Path, headings: list[tuple[int, int, str]], lines: list[str], kind: str) -> Document:
    """Cut `lines` at (line index, level, heading); a heading's title carries its parents."""
    sections: list[Section] = []
    trail: list[tuple[int, str]] = []
    bounds = headings + [(len(lines), 0, "")]
    preamble = "\n".join(lines[: bounds[0][0]]).strip()
    title = headings[0][2] if headings else path.stem
    if preamble:
        sections.append(Section(title, preamble))
    for (start, level, text), (end, _, _) in zip(bounds, bounds[1:]):
        trail = [(lv, t) for lv, t in trail if lv < level] + [(level, text)]
        body_start = start + 1
        while body_start < end and (_SETEXT.match(lines[body_start]) or _RST_UNDERLINE.match(lines[body_start])):
            body_start += 1  # the underline of a setext / RST heading
        body = "\n".join(lines[body_start:end]).strip()
        sections.append(Section(" > ".join(t for _, t in trail), body))
    return Document(str(path), title, kind, sections)


def load_markdown(path: Path) -> Document:
    lines = clean_text(read_text_file(path)).split("\n")
    headings: list[tuple[int, int, str]] = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        if m := _ATX.match(line):
            headings.append((i, len(m.group(1)), m.group(2)))
        elif (i + 1 < len(lines) and line.strip() and _SETEXT.match(lines[i + 1])
              and not line.lstrip().startswith(("-", "*", ">", "|"))):
            headings.append((i, 1 if lines[i + 1].startswith("=") else 2, line.strip()))
    return _sections(path, headings, lines, "markdown")


def load_rst(path: Path) -> Document:
    """Heading levels follow the order in which underline characters first appear."""
    lines = clean_text(read_text_file(path)).split("\n")
    levels: dict[str, int] = {}
    headings: list[tuple[int, int, str]] = []
    for i in range(len(lines) - 1):
        text, under = lines[i].rstrip(), lines[i + 1].rstrip()
        if (text.strip() and not _RST_UNDERLINE.match(text) and _RST_UNDERLINE.match(under)
                and len(under) >= len(text.strip())):
            level = levels.setdefault(under[0], len(levels) + 1)
            headings.append((i, level, text.strip()))
    return _sections(path, headings, lines, "rst")
