"""What `copilot index --defaults` reads: the Tcl manual pages the machine has (tcl8.6-doc)
and the command catalog of the configured tool.

Only the script-level Tcl pages are taken (built-in commands, bundled packages, TclOO,
math functions); the C library pages (Tcl_SetVar2Ex, ...) are for extension writers, would
double the index, and crowd out the commands a tool user scripts with. Index them with
`copilot index /usr/share/man/man3/Tcl_*.3tcl.gz` if you want them.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from copilot.docs.sources import SourceFile

VIA = "defaults"
TCL_MAN_GLOBS = ("/usr/share/man/man3/*.3tcl.gz", "/usr/share/man/man3/*.3tcl",
                 "/usr/share/man/mann/*.n.gz", "/usr/share/man/mann/*.n")
_C_LIBRARY = re.compile(rb'^\.TH\s.*"(Tcl Library Procedures|TclOO Library Functions)"', re.MULTILINE)


def _is_c_library_page(path: Path) -> bool:
    try:
        raw = path.read_bytes()
        head = gzip.decompress(raw)[:8192] if path.name.endswith(".gz") else raw[:8192]
    except (OSError, EOFError, gzip.BadGzipFile):
        return False  # let the loader report it
    return bool(_C_LIBRARY.search(head))


def tcl_man_pages(globs: tuple[str, ...] = TCL_MAN_GLOBS, c_library: bool = False) -> list[SourceFile]:
    """Script-level Tcl man pages (also the C library's with `c_library`), each real file
    once (Debian links aliases to one page)."""
    seen: dict[str, SourceFile] = {}
    for pattern in globs:
        folder, _, glob = pattern.rpartition("/")
        for path in sorted(Path(folder).glob(glob)):
            key = str(path.resolve())
            if key in seen or not path.is_file() or (not c_library and _is_c_library_page(path)):
                continue
            seen[key] = SourceFile(key, Path(key), explicit=False, via=VIA)
    return list(seen.values())
