"""What the TUI tests share: waiting on the app, a slow streaming fake, and a tiny docs store."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import FakeModel

MANUAL = """\
# Timing commands

## set_input_delay

set_input_delay sets the arrival time of a signal at an input port relative to a clock.
Use -clock to name the clock and -max or -min for the setup or hold value.

## report_checks

report_checks reports the worst timing paths. Use -path_delay max for setup checks
and -path_delay min for hold checks; -group_count sets how many paths are shown.
"""


async def until(pilot, predicate, timeout: float = 30.0, what: str = "the app") -> None:
    """Let the app run until `predicate()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.05)


async def panes(pilot) -> None:
    """Until the hidden panes (mounted one per tick after the first frame) are all there."""
    await until(pilot, lambda: pilot.app.panes_ready, 10, "the panes to mount")


async def loaded(pilot, *parts: str, timeout: float = 60.0) -> None:
    app = pilot.app
    await panes(pilot)
    await until(pilot, lambda: all(app.parts[p] != "…" for p in parts), timeout, f"{parts} to load")
    failed = {p: app.parts[p] for p in parts if app.parts[p] != "✓"}
    assert not failed, f"failed to load: {failed}"


class SlowModel(FakeModel):
    """Streams each answer one character every `delay` seconds; counts what it sent."""

    def __init__(self, answers: list[str], delay: float = 0.02) -> None:
        super().__init__(answers)
        self.delay = delay
        self.sent = 0

    def complete(self, prompt, *, max_tokens, temperature=0.0, stop=(), grammar=None,
                 seed=None, on_token=None, until=None):
        from copilot.model.base import Completion

        self.prompts.append(prompt)
        text = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        for char in text:
            time.sleep(self.delay)
            self.sent += 1
            if on_token:
                on_token(char)
        return Completion(text, 1, len(text), 0.01, 0.001, "stop")


def build_docs_store(home: Path) -> Path:
    """Index one small Markdown manual into a store under `home` with `copilot index`."""
    import os

    from click.testing import CliRunner

    from copilot.cli import cli

    docs = home / "manual"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "timing.md").write_text(MANUAL, encoding="utf-8")
    store = home / "store"
    old = os.environ.get("COPILOT_HOME")
    os.environ["COPILOT_HOME"] = str(home)
    try:
        result = CliRunner().invoke(cli, ["index", str(docs), "--store", str(store), "--json"])
    finally:
        if old is None:
            del os.environ["COPILOT_HOME"]
        else:
            os.environ["COPILOT_HOME"] = old
    assert result.exit_code == 0, result.output
    return store
