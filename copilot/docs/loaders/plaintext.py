"""Plain text files, and Tcl/SDC/Python scripts indexed as examples."""

from __future__ import annotations

from pathlib import Path

from copilot.docs.document import Document, Section, clean_text
from copilot.docs.loaders import read_text_file


def load_text(path: Path) -> Document:
    """The whole file as one section; the chunker splits it at blank lines."""
    text = clean_text(read_text_file(path))
    first = next((line.strip() for line in text.splitlines() if line.strip()), path.name)
    title = first if len(first) <= 80 else path.name
    return Document(str(path), title, "text", [Section(title, text)])


def load_example(path: Path) -> Document:
    """A script as an example: its title says what kind of script, so questions find it."""
    text = clean_text(read_text_file(path))
    kind = {".py": "Python", ".sdc": "SDC", ".xdc": "XDC"}.get(path.suffix.lower(), "Tcl")
    title = f"{kind} example {path.name}"
    return Document(str(path), title, "example", [Section(title, text)])
