"""The tool pane: the user's own live session (output as it streams) and a command prompt."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, RichLog, Static

from copilot.tui.messages import CommandTyped, take_submitted


def first_problem(result) -> str:
    """The first error (else warning) of a run, as one line."""
    for severity in ("error", "warning"):
        for d in result.diagnostics:
            if d.severity == severity:
                return f"line {d.line}: {d.message}" if d.line else d.message
    return result.status


def has_problems(result) -> bool:
    return result.status != "ok" or any(d.severity in ("error", "warning") for d in result.diagnostics)


def verdict(result) -> str:
    """ok, warning, or the run's failed status (error, timeout, crashed)."""
    if result.status != "ok" or any(d.severity == "error" for d in result.diagnostics):
        return result.status if result.status != "ok" else "error"
    return "warning" if has_problems(result) else "ok"


class ToolPane(Vertical):
    """Output of everything run in the session; typing a command runs it there directly."""

    def __init__(self, tool: str, setup_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.tool = tool
        self.setup_name = setup_name
        self.last_run = None  # (script, RunResult) of the last script run, for repair
        self._partial = ""

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.tool} · {self.setup_name} · starting…"), id="tool-title")
        yield RichLog(id="tool-log", wrap=False, markup=False, highlight=False, max_lines=5000)
        yield Input(placeholder=f"Type a {self.tool} command (Enter runs it in your session)",
                    id="tool-input")

    def on_mount(self) -> None:
        detail, error = self.app.tool_state
        if detail or error:
            self.ready(detail, error)

    @property
    def log_widget(self) -> RichLog:
        return self.query_one("#tool-log", RichLog)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if command := take_submitted(event, "tool-input"):
            self.post_message(CommandTyped(command))

    # -- called by the app ------------------------------------------------------------------
    def ready(self, detail: str = "", error: str = "") -> None:
        title = self.query_one("#tool-title", Static)
        if error:
            title.update(Text(f"{self.tool} · {self.setup_name} · ✗ not running", style="bold"))
            self.log_widget.write(Text(f"✗ {error}", style="bold"))
            return
        title.update(Text(f"{self.tool} · {self.setup_name} · ready"))
        if detail:
            self.log_widget.write(Text(detail, style="dim"))

    def begin(self, script: str, typed: bool) -> None:
        lines = script.strip().splitlines()
        if typed:
            self.log_widget.write(Text(f"> {script.strip()}", style="bold"))
        else:
            self.log_widget.write(Text(f"── running the script ({len(lines)} line(s)) ──", style="bold"))

    def add_output(self, text: str) -> None:
        for line in text.rstrip("\n").split("\n"):
            self.log_widget.write(Text(line))

    def finish(self, script: str, result=None, error: str = "", typed: bool = False) -> None:
        if error:
            self.log_widget.write(Text(f"✗ {error}", style="bold"))
            return
        if not typed:
            self.last_run = (script, result)
        if not has_problems(result):
            self.log_widget.write(Text(f"✓ ok ({result.seconds:.2f} s)", style="dim"))
            return
        hint = "" if typed else "  — Ctrl+F sends it back for repair"
        outcome = verdict(result)
        mark = "!" if outcome == "warning" else "✗"
        self.log_widget.write(Text(f"{mark} {outcome}: {first_problem(result)}{hint}", style="bold"))
