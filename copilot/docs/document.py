"""What a loader returns (a document of headed sections) and what the index stores (passages)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PAGE_BREAK = "\f"  # marks a page boundary inside a section's text (PDFs)

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Drop terminal escapes and control characters (keeps tab, newline and page breaks).

    Retrieved text is printed to terminals and put into prompts: it must carry no markup
    that a terminal or a model would act on.
    """
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class Section:
    """A heading and its body; `page` is where it starts (PDFs), else None."""

    heading: str
    text: str
    page: int | None = None


@dataclass
class Document:
    """One loaded source: a title and its sections in reading order."""

    source: str
    title: str
    kind: str
    sections: list[Section] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(len(s.text.strip()) for s in self.sections)


@dataclass(frozen=True)
class Passage:
    """One indexed chunk: its text starts with the title line it was found under."""

    text: str
    source: str
    title: str
    page: int | None = None

    def to_json(self, score: float) -> dict:
        """The public search shape: {"text", "source", "title", "page", "score"}."""
        return {"text": self.text, "source": self.source, "title": self.title,
                "page": self.page, "score": round(score, 6)}
