"""SVG snapshots of the main screens at fixed sizes, compared with tests/snapshots/.

The screens are filled with fixed data through the same pane methods the workers' messages
call, so the pictures do not depend on timing. After a deliberate change to the look:

    COPILOT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_tui_snapshots.py

and review the new SVGs (open them in a browser) before committing them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import REPO, needs_sta
from copilot.context import AppContext
from copilot.diagnostics import Diagnostic

pytest.importorskip("textual")

from copilot.tui.app import create_app  # noqa: E402
from copilot.tui.history import Entry, History  # noqa: E402
from copilot.tui.screens import ConfirmRun  # noqa: E402
from tui_support import panes, until  # noqa: E402

SNAPSHOTS = REPO / "tests" / "snapshots"
# Read at import: the autouse home fixture clears COPILOT_* variables before each test.
UPDATE = os.environ.get("COPILOT_UPDATE_SNAPSHOTS") == "1"
SMALL, LARGE = (80, 24), (120, 36)
SCRIPT = """\
# the 3 worst setup paths to resp_data
report_checks -path_delay max -group_count 3 \\
    -to [get_ports resp_data*]
report_tns
"""
OUTPUT = """\
Startpoint: req_a[0] (input port clocked by clk)
Endpoint: _331_ (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max

  Delay    Time   Description
---------------------------------------------------------
   0.00    0.00   clock clk (rise edge)
   0.30    0.30 ^ input external delay
           1.85   data required time
          -1.89   data arrival time
---------------------------------------------------------
          -0.03   slack (VIOLATED)
"""


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """History shows local times: pin the zone so the pictures match anywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def compare(app, name: str, tmp_path: Path) -> None:
    svg = app.export_screenshot(title="EDA Copilot")
    target = SNAPSHOTS / f"{name}.svg"
    if UPDATE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        target.write_text(svg, encoding="utf-8")
        return
    assert target.is_file(), f"no snapshot {target}; run with COPILOT_UPDATE_SNAPSHOTS=1 to create it"
    if svg != target.read_text(encoding="utf-8"):
        got = tmp_path / f"{name}.svg"
        got.write_text(svg, encoding="utf-8")
        pytest.fail(f"{name} looks different from {target}; compare with {got}")


def build(tmp_path: Path, entries: list[Entry] | None = None):
    from copilot.shells.profile import load_profile

    history = tmp_path / "history.json"
    if entries:
        History(history, entries).save()
    app = create_app(AppContext.build(), setup=load_profile("opensta").demo_setup_path(),
                     history_path=history, autoload=False, model=object())
    return app


async def settle(pilot) -> None:
    app = pilot.app
    await panes(pilot)
    app.parts = {part: "✓" for part in app.parts}
    app.show_status()
    await pilot.pause(0.2)


def generation():
    from copilot.generate.result import Attempt, GenerationResult

    first = Attempt("report_checks -path_delay max -group_count 3 -to resp_data\n",
                    [Diagnostic(1, "error", "report_checks: -to needs a pin, port or clock; got a name", "lint")])
    best = Attempt(SCRIPT, [Diagnostic(3, "warning", "port pattern 'resp_data*' matches 2 ports", "design")],
                   ran=True, output=OUTPUT)
    return GenerationResult(SCRIPT, "tcl", True, best.diagnostics, True, OUTPUT, 2, 3.4,
                            "read-only", [first, best])


def answer():
    from copilot.docs.answering import Answer
    from copilot.docs.document import Passage
    from copilot.docs.retrieval import Hit

    hits = [Hit(Passage("OpenSTA User Guide > report_checks\nreport_checks [-from from_list] [-to to_list] "
                        "[-path_delay min|max|min_max] [-group_count count]\nReport the worst paths "
                        "through the design. -path_delay min reports hold checks.",
                        "/docs/OpenSTA.pdf", "OpenSTA User Guide > report_checks", 41), 0.03, 0.71),
            Hit(Passage("Timing > hold\nHold checks compare the earliest arrival with the required time.",
                        "/docs/timing.md", "Timing > hold"), 0.02, 0.55)]
    return Answer("Use report_checks -path_delay min to report hold paths [1]; add -group_count "
                  "to see more than one [1].", hits)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x36"])
async def test_chat(tmp_path, size):
    app = build(tmp_path)
    async with app.run_test(size=size) as pilot:
        chat = app.query_one("ChatPane")
        chat.begin("how do I report hold paths?")
        chat.finish(answer())
        await settle(pilot)
        compare(app, f"chat-{size[0]}x{size[1]}", tmp_path)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x36"])
async def test_script(tmp_path, size):
    app = build(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f3")
        pane = app.query_one("ScriptPane")
        pane.begin("the 3 worst setup paths to resp_data")
        pane.finish(generation(), tool="opensta")
        await settle(pilot)
        compare(app, f"script-{size[0]}x{size[1]}", tmp_path)


@needs_sta  # the run dialog shows the safety level the real checks give
async def test_tool_and_confirmation(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f4")
        tool = app.query_one("ToolPane")
        tool.ready("opensta started; loaded demo/setup.tcl")
        tool.begin(SCRIPT, typed=False)
        tool.add_output(OUTPUT)
        await settle(pilot)
        compare(app, "tool-80x24", tmp_path)
        app.query_one("ScriptPane").set_text(SCRIPT)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun), 60, "the run dialog")
        await pilot.pause(0.2)
        compare(app, "confirm-80x24", tmp_path)


async def test_history(tmp_path):
    base = 1767225600.0  # 2026-01-01 00:00 UTC
    entries = [Entry("ask", "how do I report hold paths?", answer="Use report_checks -path_delay min [1].",
                     status="answered", time=base),
               Entry("generate", "the 3 worst setup paths to resp_data", script=SCRIPT, status="valid",
                     time=base + 60),
               Entry("run", "report_checks -path_delay max -group_count 3 \\", script=SCRIPT,
                     output=OUTPUT, status="ok", time=base + 120)]
    app = build(tmp_path, entries)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        compare(app, "history-80x24", tmp_path)


async def test_help(tmp_path):
    app = build(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause(0.2)
        compare(app, "help-80x24", tmp_path)
