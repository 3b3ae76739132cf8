"""Screenshots of a real TUI session for the docs: real OpenSTA, real model, real docs index.

    python tools/tui_screenshots.py                  # writes docs/images/tui-*.svg
    python tools/tui_screenshots.py --size 100x30 --out docs/images

It works in a temporary COPILOT_HOME (your models folder is linked in, so the model is not
assembled again), indexes the defaults there (Tcl man pages and the OpenSTA command
catalog, a minute or two), then asks a question, generates a script, runs it after the
confirmation, and saves each screen. Nothing is staged: what the pictures show is what the
model and the tool answered on this run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTION = "How do I report the worst hold paths?"
REQUEST = "report the 3 worst setup paths to resp_data"


async def until(pilot, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out driving the app")
        await pilot.pause(0.1)


async def drive(app, size: tuple[int, int], out: Path) -> None:
    from copilot.tui.screens import ConfirmRun

    def shot(name: str) -> None:
        path = out / f"tui-{name}.svg"
        path.write_text(app.export_screenshot(title="EDA Copilot"), encoding="utf-8")
        print(f"wrote {path}")

    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.panes_ready and "…" not in app.parts.values(), 600)
        await pilot.press(*QUESTION, "enter")
        await until(pilot, lambda: len(app.history.entries) >= 1 and not app.busy, 600)
        await pilot.pause(0.5)
        shot("chat")
        await pilot.press("f3", *REQUEST, "enter")
        await until(pilot, lambda: len(app.history.entries) >= 2 and not app.busy, 600)
        await pilot.pause(0.5)
        shot("script")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun), 60)
        await pilot.pause(0.3)
        shot("confirm")
        await pilot.press("y")
        await until(pilot, lambda: len(app.history.entries) >= 3, 120)
        await pilot.pause(0.5)
        shot("tool")
        await pilot.press("f5")
        await pilot.pause(0.5)
        shot("history")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100x30", help="columns x rows")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--home", type=Path, help="COPILOT_HOME to use and keep (the index is built once)")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    sys.path.insert(0, str(REPO))
    from copilot.context import AppContext
    from copilot.locations import Locations

    models = Locations.from_environ(os.environ).models_dir
    home = args.home or Path(tempfile.mkdtemp(prefix="tui-shots-"))
    (home / "data").mkdir(parents=True, exist_ok=True)
    if models.is_dir() and not (home / "data" / "models").exists():
        (home / "data" / "models").symlink_to(models)
    os.environ["COPILOT_HOME"] = str(home)
    app_ctx = AppContext.build()
    from copilot.commands.index import index_defaults
    from copilot.shells.profile import load_profile
    from copilot.tui.app import create_app

    from copilot.docs.store import open_store

    store = open_store(app_ctx)
    if store is None or not store.entries():
        index_defaults(app_ctx)
    args.out.mkdir(parents=True, exist_ok=True)
    setup = load_profile(app_ctx.settings.tool, app_ctx.locations).demo_setup_path()
    asyncio.run(drive(create_app(app_ctx, setup=setup), size, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
