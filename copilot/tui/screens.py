"""Modal screens: confirm a run, save a script, and the key help."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

PREVIEW_LINES = 12


class ConfirmRun(ModalScreen[bool]):
    """Ask before a script goes to the user's own session (it may change their design)."""

    BINDINGS = [Binding("y", "answer(True)", "Run"), Binding("n,escape", "answer(False)", "Cancel")]

    def __init__(self, script: str, tool: str, safety: str, reason: str = "") -> None:
        super().__init__()
        self.script, self.tool, self.safety, self.reason = script, tool, safety, reason

    def compose(self) -> ComposeResult:
        lines = self.script.rstrip().splitlines()
        shown = "\n".join(lines[:PREVIEW_LINES]) + (f"\n… {len(lines) - PREVIEW_LINES} more line(s)"
                                                     if len(lines) > PREVIEW_LINES else "")
        with Vertical(id="dialog"):
            yield Static(Text(f"Run this script in your {self.tool} session?", style="bold"))
            note = {"modifying": "  — it changes the design, constraints or files",
                    "unchecked": f"  — not checked: {self.reason}"}.get(self.safety, "")
            yield Static(Text(f"safety: {self.safety}{note}"))
            yield VerticalScroll(Static(Text(shown)), id="dialog-script")
            with Horizontal(id="dialog-buttons"):
                yield Button("Run (y)", id="yes", variant="primary")
                yield Button("Cancel (n)", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class SaveScript(ModalScreen[Path | None]):
    """Ask where to save a script; the app writes it (atomically)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Save the script to (Enter saves, Esc cancels):", style="bold"))
            yield Input(value=self.suggestion, id="save-path")
            yield Static("", id="save-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip():
            self.query_one("#save-error", Static).update("Give a file name.")
        elif path.is_dir():
            self.query_one("#save-error", Static).update(f"{path} is a folder; give a file name.")
        elif not path.parent.is_dir():
            self.query_one("#save-error", Static).update(f"Folder {path.parent} does not exist.")
        else:
            self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


HELP = """\
Ask about the docs, generate scripts, run them in your own tool session.

 F2 Chat     ask about the indexed docs; answers cite passages as [1], [2];
             ↑/↓ in Sources shows each passage with its document and page
 F3 Script   describe a script, Enter: it is written, checked and tried in
             a scratch session (never yours); your edits are checked again;
             Enter on a diagnostic jumps to its line, on an attempt shows it
 F4 Tool     your live session with the design loaded; type commands here
 F5 History  every request, searchable; Enter reopens one

 Ctrl+R  run the script in your session (asks first)
 Ctrl+F  send the last run's errors back for a repaired script
 Ctrl+B  copy the script (in History: the selected entry's)
 Ctrl+S  save the script to a file (in History: the selected entry's)
 Esc     stop the running generation or answer
 Tab     next box        F1  this help (Esc closes)     Ctrl+Q  quit
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(HELP))

    def action_close(self) -> None:
        self.dismiss(None)
