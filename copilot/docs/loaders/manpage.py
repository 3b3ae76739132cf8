"""Man pages (troff, optionally gzipped) rendered the way `man` shows them, as plain text.

`man -l` runs the page's preprocessors and `.so` includes; groff is the fallback where
man-db is missing. Output is forced to plain text: no overstrike, no SGR escapes, no
hyphenation, and the change bars Tcl's pages draw in the right margin are dropped.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

from copilot.docs.document import Document, Section, clean_text
from copilot.docs.loaders import decode_text
from copilot.errors import InputError

WIDTH = 100
_OVERSTRIKE = re.compile(r".\x08")
_CHANGE_BAR = re.compile(r"\s*\u2502\s*$")
_RULE = re.compile(r"^_{10,}$")
_SECTION = re.compile(r"^[A-Z][A-Z0-9 ,./()'-]*$")
_SUBSECTION = re.compile(r"^ {3}(\S.*)$")
_SPACES = re.compile(r"(?<=\S) {2,}")
_TH = re.compile(rb'^\.TH\s+"?([^"\s]+)"?\s+"?([^"\s]+)', re.MULTILINE)


def render_man(path: Path) -> str:
    """The page as `man` prints it to a pipe, with all markup removed."""
    env = {k: v for k, v in os.environ.items() if k != "MAN_KEEP_FORMATTING"}
    env.update(MANWIDTH=str(WIDTH), MANROFFOPT="-rHY=0", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    if shutil.which("man"):
        command, stdin = ["man", "-l", "-E", "UTF-8", str(path)], None
    elif shutil.which("groff"):
        raw = path.read_bytes()
        stdin = gzip.decompress(raw) if path.name.endswith(".gz") else raw
        command = ["groff", "-t", "-man", "-Tutf8", "-rHY=0", f"-rLL={WIDTH}n", "-P-cbou"]
    else:
        raise InputError(f"cannot render man page {path}: neither man nor groff is installed "
                         f"(apt-get install man-db groff-base).")
    try:
        # `.so man3/other.3` includes resolve against the manual's root, as man itself does
        done = subprocess.run(command, input=stdin, capture_output=True, env=env, timeout=60,
                              cwd=path.resolve().parent.parent)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot render man page {path} ({type(exc).__name__}); try `man -l {path}`.") from None
    if done.returncode != 0 or not done.stdout.strip():
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"man page {path} did not render ({reason[0] if reason else 'no output'}); "
                         f"check it with `man -l {path}`.")
    text = done.stdout.decode("utf-8", "replace")
    text = _OVERSTRIKE.sub("", text)
    return clean_text(text).replace("\u2010", "-").replace("\u2212", "-")


def _page_name(path: Path) -> str:
    """`string(3tcl)` from the .TH line, else from the file name."""
    try:
        raw = path.read_bytes()
        head = gzip.decompress(raw)[:4096] if path.name.endswith(".gz") else raw[:4096]
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"cannot read man page {path}: {exc}; check the file.") from None
    decode_text(head, path)  # refuses binary files with a clear line
    if m := _TH.search(head):
        return f"{m.group(1).decode('utf-8', 'replace')}({m.group(2).decode('utf-8', 'replace')})"
    stem = path.name[:-3] if path.name.endswith(".gz") else path.name
    name, _, section = stem.rpartition(".")
    return f"{name}({section})" if name else stem


def load_man(path: Path) -> Document:
    """One section per man section (NAME, SYNOPSIS, DESCRIPTION...) and subsection."""
    page = _page_name(path)
    lines = [_CHANGE_BAR.sub("", line).rstrip() for line in render_man(path).strip().split("\n")]
    lines = [line for line in lines[1:-1] if not _RULE.match(line.strip())]  # header, footer
    sections: list[Section] = []
    heading, body, top = "", [], ""
    for line in lines:
        sub = _SUBSECTION.match(line)
        if line and not line[0].isspace() and _SECTION.match(line):
            top = line.strip()
        elif not (sub and top):
            body.append(_SPACES.sub(" ", line[7:] if line.startswith(" " * 7) else line.strip()))
            continue
        sections.append(Section(heading, "\n".join(body).strip()))
        heading, body = (top if not sub else f"{top} > {sub.group(1).strip()}"), []
    sections.append(Section(heading, "\n".join(body).strip()))
    sections = [s for s in sections if s.text]
    name = next((" ".join(s.text.split()) for s in sections if s.heading == "NAME"), "")
    names, dash, summary = name.partition(" - ")
    if len(names) > 60:  # pages that document many C functions list them all
        names = names[:57].rsplit(",", 1)[0] + ", ..."
    title = f"{page}: {names}{dash}{summary}" if name else page
    return Document(str(path), title, "man", sections)
