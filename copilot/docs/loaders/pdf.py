"""PDFs with page numbers; headings are lines that start in a bold font (pypdf's font info).

A heading opens a section that runs across pages until the next heading, so a command's
description is kept together; page breaks inside it are marked so chunks keep their page.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from copilot.docs.document import PAGE_BREAK, Document, Section, clean_text
from copilot.errors import InputError

_WORD = re.compile(r"[A-Za-z0-9_]+")


def _bold_line_starts(page) -> tuple[str, list[str]]:
    """The page's text and, in order, the bold runs that begin a line (the headings)."""
    lines: list[list[tuple[str, str]]] = []  # per visual line: (font, text) runs
    last_y: list[float] = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        y = round(tm[5] * cm[3] + cm[5], 1)
        if not last_y or y != last_y[0]:
            last_y[:] = [y]
            lines.append([])
        lines[-1].append((str((font or {}).get("/BaseFont", "")), text))

    text = page.extract_text(visitor_text=visit) or ""
    starts: list[tuple[str, str, bool, int]] = []  # (font, bold text, whole line bold, line)
    for number, runs in enumerate(lines):
        bold = []
        for font, piece in runs:
            if "Bold" not in font:
                break
            bold.append(piece)
        if not bold:
            continue
        heading, font, whole = "".join(bold).strip(), runs[0][0], len(bold) == len(runs)
        prev = starts[-1] if starts else None
        if (prev and prev[2] and whole and prev[3] == number - 1 and prev[0] == font
                and _WORD.fullmatch(prev[1]) and _WORD.fullmatch(heading)):
            starts[-1] = (font, prev[1] + heading, True, number)  # a long name wrapped in its cell
            continue
        starts.append((font, heading, whole, number))
    return text, [" ".join(h[1].split()) for h in starts if h[1]]


def _starts_heading(line: str, heading: str) -> bool:
    """The line opens the heading, or holds its first part when the name wrapped."""
    return bool(line) and (line.startswith(heading) or (heading.startswith(line) and 2 * len(line) >= len(heading)))


def _open(path: Path):
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed-object chatter
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"PDF {path} is encrypted; decrypt it (qpdf --decrypt IN OUT) and index the copy.")
        return reader, list(reader.pages)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot read PDF {path}: {exc.strerror or exc}; check that it exists and is readable.") from None
    except Exception as exc:  # pypdf raises many types for damaged files
        if "crypt" in str(exc).lower():
            raise InputError(f"PDF {path} is encrypted; decrypt it (qpdf --decrypt IN OUT) and index the copy.") from None
        raise InputError(f"PDF {path} is damaged or not a PDF ({type(exc).__name__}); "
                         f"re-export or repair it (qpdf IN OUT) and index the copy.") from None


def load_pdf(path: Path) -> Document:
    reader, pages = _open(path)
    meta_title = ""
    try:
        meta_title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:  # broken info dictionaries are common and harmless
        pass
    sections: list[Section] = []
    current = Section(meta_title or path.stem, "", 1)
    for number, page in enumerate(pages, start=1):
        try:
            text, headings = _bold_line_starts(page)
        except Exception as exc:
            raise InputError(f"PDF {path}: page {number} cannot be read ({type(exc).__name__}); "
                             f"repair it (qpdf IN OUT) and index the copy.") from None
        if number > 1:
            current.text += PAGE_BREAK
        # the manual's prose writes flags with an en dash (–regexp); tools and readers mean -regexp
        for line in clean_text(text).replace("\u2013", "-").split("\n"):
            stripped = " ".join(line.split())
            if headings and _starts_heading(stripped, headings[0]):
                sections.append(current)
                current = Section(headings.pop(0), "", number)
            current.text += line.rstrip() + "\n"
    sections.append(current)
    sections = [s for s in sections if s.text.replace(PAGE_BREAK, "").strip()]
    if not sections:
        raise InputError(f"PDF {path} has no text layer (scanned images?); OCR it (ocrmypdf IN OUT) "
                         f"and index the result.")
    first_line = sections[0].text.strip().split("\n")[0].strip()
    title = first_line if 0 < len(first_line) <= 40 else (meta_title or path.stem)
    return Document(str(path), title, "pdf", sections)
