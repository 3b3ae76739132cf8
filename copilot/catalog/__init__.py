"""The command catalog of each tool, introspected from the live tool and cached per version."""

from __future__ import annotations

import tempfile
from pathlib import Path

from copilot.catalog.catalog import Catalog
from copilot.context import AppContext
from copilot.errors import ToolError
from copilot.shells.profile import load_profile


def cache_path(app: AppContext, tool: str, version: str) -> Path:
    return app.locations.catalogs_dir / f"{tool}-{version}.json"


def shipped_path(tool: str) -> Path:
    from copilot import resources

    return resources.data_dir("adapters") / tool / "catalog.json"


def load_catalog(app: AppContext, tool: str, session=None, refresh: bool = False) -> Catalog:
    """The catalog for `tool`: cached for its version, else introspected, else the shipped copy.

    With no session given, the newest cached catalog is used; if none exists the tool is
    started once to build it; if the tool is not installed the snapshot shipped in
    adapters/<tool>/catalog.json is used so linting still works offline.
    """
    profile = load_profile(tool, app.locations)
    cached = sorted(app.locations.catalogs_dir.glob(f"{tool}-*.json"))
    if session is None and cached and not refresh:
        return Catalog.load(cached[-1])
    try:
        if session is not None:
            catalog = _introspect_cached(app, session)
        else:
            from copilot.shells.factory import make_session

            with tempfile.TemporaryDirectory(prefix="copilot-catalog-") as work:
                with make_session(app, profile, Path(work)) as live:
                    catalog = _introspect_cached(app, live, refresh)
    except ToolError:
        shipped = shipped_path(tool)
        if shipped.is_file():
            return Catalog.load(shipped)
        raise
    return catalog


def _introspect_cached(app: AppContext, session, refresh: bool = False) -> Catalog:
    from copilot.catalog.introspect import introspect

    path = cache_path(app, session.profile.name, session.version())
    if path.is_file() and not refresh:
        return Catalog.load(path)
    catalog = introspect(session)
    catalog.save(path)
    return catalog
