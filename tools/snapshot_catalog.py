"""Write the catalog of a live tool into adapters/<tool>/catalog.json (the offline fallback).

    python tools/snapshot_catalog.py opensta
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    from copilot.catalog import shipped_path
    from copilot.catalog.introspect import introspect
    from copilot.context import AppContext
    from copilot.shells.profile import load_profile
    from copilot.shells.tcl_session import TclSession

    tool = argv[0] if argv else "opensta"
    app = AppContext.build()
    profile = load_profile(tool)
    with tempfile.TemporaryDirectory() as work:
        with TclSession(profile, Path(work), profile.executable_for(app.settings)) as session:
            catalog = introspect(session)
    catalog.save(shipped_path(tool))
    print(f"{shipped_path(tool)}: {tool} {catalog.version}, {len(catalog.commands)} commands "
          f"({len(catalog.documented())} documented)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
