"""HTML to sections of plain text with the standard library's parser (h1-h6 start sections)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from copilot.docs.document import Document, Section, clean_text
from copilot.docs.loaders import read_text_file

_ONE_SPACE = re.compile(r"^ (?=\S)")
_BLANK_RUNS = re.compile(r"\n{3,}")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCKS = {"p", "div", "br", "li", "tr", "pre", "table", "ul", "ol", "dl", "dt", "dd",
           "section", "article", "blockquote", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}


class _TextParser(HTMLParser):
    """Collects (heading, text) pairs; whitespace is kept only inside <pre>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[tuple[str, list[str]]] = [("", [])]
        self._skip = 0
        self._pre = 0
        self._heading: list[str] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADINGS:
            self._heading = []
        if tag == "pre":
            self._pre += 1
        if tag in _BLOCKS:
            self.sections[-1][1].append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HEADINGS and self._heading is not None:
            self.sections.append((" ".join("".join(self._heading).split()), []))
            self._heading = None
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in _BLOCKS:
            self.sections[-1][1].append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._skip:
            return
        elif self._heading is not None:
            self._heading.append(data)
        else:
            self.sections[-1][1].append(data if self._pre else _collapse(data))


def _collapse(data: str) -> str:
    """Whitespace runs become one space, keeping the spaces between inline elements."""
    text = " ".join(data.split())
    lead = " " if data[:1].isspace() else ""
    trail = " " if data[-1:].isspace() and text else ""
    return lead + text + trail


def load_html(path: Path) -> Document:
    parser = _TextParser()
    parser.feed(read_text_file(path))
    parser.close()
    title = " ".join(parser.title.split()) or next(
        (h for h, _ in parser.sections if h), path.stem)
    sections = []
    for heading, parts in parser.sections:
        # a single leading space is an artefact of joining inline text; deeper indents are <pre>
        lines = [_ONE_SPACE.sub("", line.rstrip()) for line in clean_text("".join(parts)).split("\n")]
        body = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
        if body or heading:
            sections.append(Section(heading or title, body))
    return Document(str(path), title, "html", sections)
