"""Pick a loader by file name; each turns one file into a Document of headed sections."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from copilot.docs.document import Document
from copilot.errors import InputError

Loader = Callable[[Path], Document]

# Bump when a loader or the chunker changes what it produces: every file is then re-indexed.
LOADER_VERSION = "1"

_MAN_PAGE = re.compile(r"\.(\d[a-z]*|n|man)(\.gz)?$", re.IGNORECASE)
_BY_SUFFIX = {
    ".pdf": "copilot.docs.loaders.pdf:load_pdf",
    ".md": "copilot.docs.loaders.markup:load_markdown",
    ".markdown": "copilot.docs.loaders.markup:load_markdown",
    ".rst": "copilot.docs.loaders.markup:load_rst",
    ".html": "copilot.docs.loaders.webpage:load_html",
    ".htm": "copilot.docs.loaders.webpage:load_html",
    ".txt": "copilot.docs.loaders.plaintext:load_text",
    ".text": "copilot.docs.loaders.plaintext:load_text",
    ".tcl": "copilot.docs.loaders.plaintext:load_example",
    ".sdc": "copilot.docs.loaders.plaintext:load_example",
    ".xdc": "copilot.docs.loaders.plaintext:load_example",
    ".py": "copilot.docs.loaders.plaintext:load_example",
}
_MANPAGE_LOADER = "copilot.docs.loaders.manpage:load_man"

SUPPORTED = "PDF, Markdown, RST, HTML, text, man pages (.1-.9, .n, .gz), Tcl/SDC/Python examples"


def loader_for(path: Path) -> str | None:
    """The loader ("module:function") for a file name, or None if it is not a document."""
    name = path.name.lower()
    if _MAN_PAGE.search(name):
        return _MANPAGE_LOADER
    return _BY_SUFFIX.get(path.suffix.lower())


def load_document(path: Path) -> Document:
    """Load one file with its loader; every failure is an InputError naming the file."""
    import importlib

    target = loader_for(path)
    if target is None:
        raise InputError(f"{path} is not a document type the index reads ({SUPPORTED}).")
    module, attr = target.split(":")
    document = getattr(importlib.import_module(module), attr)(path)
    if document.chars == 0:
        raise InputError(f"{path} has no text to index; check that it is the file you meant.")
    return document


def read_text_file(path: Path) -> str:
    """A text file's content; binary or non-UTF-8 files are refused with one clear line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; check that it exists and is readable.") from None
    return decode_text(data, path)


def decode_text(data: bytes, path: Path) -> str:
    if b"\0" in data[:8192]:
        raise InputError(f"{path} is a binary file, not text; index the document it belongs to instead.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; convert it (iconv -t UTF-8) and index the copy.") from None
