"""Turn what the user asked to index (paths, --tool, --defaults, or nothing) into sources."""

from __future__ import annotations

from pathlib import Path

from copilot.context import AppContext
from copilot.docs.default_corpus import VIA as DEFAULTS, tcl_man_pages
from copilot.docs.sources import SourceFile, discover
from copilot.docs.store import ManifestEntry
from copilot.docs.tool_catalog import CatalogSource
from copilot.errors import InputError, UsageError


def requested_sources(app: AppContext, paths: list[Path], tools: list[str], defaults: bool) -> tuple[list, set[str]]:
    """(sources, prune scopes) for an explicit request."""
    sources: list = list(discover(paths)) if paths else []
    prune = {s.via for s in sources if s.via}
    if defaults:
        sources += tcl_man_pages()
        prune.add(DEFAULTS)
        tools = list(dict.fromkeys([*tools, app.settings.tool]))
    sources += [CatalogSource(app, tool) for tool in tools]
    return _unique(sources), prune


def refresh_sources(app: AppContext, entries: dict[str, ManifestEntry]) -> tuple[list, set[str]]:
    """Everything already in the store, read again: its folders re-walked, gone files pruned."""
    if not entries:
        raise UsageError("the docs index has no sources to refresh: pass PATH... to index, --defaults "
                         "for the Tcl man pages and the tool's command catalog, or --tool NAME.")
    sources: list = []
    prune: set[str] = set()
    for via in sorted({e.via for e in entries.values()}):
        prune.add(via)
        if via == DEFAULTS:
            sources += tcl_man_pages()
        elif via.startswith("tool:"):
            sources.append(CatalogSource(app, via.removeprefix("tool:")))
        elif via and Path(via).is_dir():
            try:
                sources += discover([Path(via)])
            except InputError:
                pass  # the folder no longer holds documents: its entries are pruned
    for key, entry in entries.items():  # files indexed one by one keep being refreshed
        if not entry.via and Path(key).is_file():
            sources.append(SourceFile(key, Path(key), explicit=False))
    return _unique(sources), prune


def _unique(sources: list) -> list:
    seen: dict[str, object] = {}
    for source in sources:
        seen.setdefault(source.key, source)
    return list(seen.values())
