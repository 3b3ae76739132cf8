"""The script pane: the script (editable), its diagnostics, the attempts, and the request box."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from copilot.tui.editor import ScriptEditor
from copilot.tui.messages import GenerateRequested, take_submitted

ICONS = {"error": "✗", "warning": "!", "info": "i"}
CHECK_DELAY = 0.6  # seconds of no typing before an edited script is checked again
FLUSH = 0.05  # streamed tokens are shown in batches at most this often (re-highlighting is per edit)


def diagnostic_label(d) -> Text:
    where = f"L{d.line}" if d.line else "  *"
    return Text(f"{where:>4} {ICONS.get(d.severity, '?')} {d.severity}: {d.message} [{d.source}]")


def attempt_label(n: int, attempt) -> Text:
    errors = sum(d.severity == "error" for d in attempt.diagnostics)
    warnings = sum(d.severity == "warning" for d in attempt.diagnostics)
    mark = "✗" if errors else "!" if warnings else "✓"
    parts = [f"{errors} err" if errors else "", f"{warnings} warn" if warnings else "",
             "ran" if attempt.ran else "not run"]
    return Text(f"{mark} #{n} " + ", ".join(p for p in parts if p))


class ScriptPane(Vertical):
    """Shows one generation's result; the user may edit the script, which is checked again."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.request = ""
        self.result = None
        self.diagnostics: list = []
        self.streaming = False
        self._check_timer = None
        self._placed = ""  # the text last put in by the app (not typed), never re-checked
        self._pending = ""  # streamed text not shown yet
        self._flush_timer = None

    def compose(self) -> ComposeResult:
        yield Static("No script yet: describe one below and press Enter.", id="script-status")
        yield ScriptEditor(id="editor")
        with Horizontal(id="script-lower"):
            yield OptionList(id="diagnostics")
            yield OptionList(id="attempts")
        yield Input(placeholder="Describe the script you need (Enter generates)", id="request-input")

    @property
    def editor(self) -> ScriptEditor:
        return self.query_one(ScriptEditor)

    @property
    def script(self) -> str:
        return self.editor.text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if request := take_submitted(event, "request-input"):
            self.post_message(GenerateRequested(request))

    # -- called by the app ------------------------------------------------------------------
    def begin(self, request: str, repair: bool = False) -> None:
        self.request = request
        self.streaming = True
        self.set_text("")
        self.set_status(("Repairing" if repair else "Generating") + f": {request}  (Esc stops)")
        self.show_diagnostics([])
        self.query_one("#attempts", OptionList).clear_options()

    def add_token(self, text: str) -> None:
        if self.streaming:
            self._pending += text
            if self._flush_timer is None:
                self._flush_timer = self.set_timer(FLUSH, self.flush)

    def flush(self) -> None:
        """Show the streamed text received since the last flush."""
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        text, self._pending = self._pending, ""
        if text and self.streaming:
            editor = self.editor
            editor.insert(text, editor.document.end)
            self._placed = editor.text

    def finish(self, result=None, error: str = "", cancelled: bool = False, tool: str = "tool") -> None:
        self.flush()
        self.streaming = False
        if error or cancelled:
            self.set_status("✗ " + error if error else "Stopped: the generation was cancelled.")
            return
        self.result = result
        self.set_text(result.script)
        self.show_diagnostics(result.diagnostics)
        verdict = "✓ valid" if result.valid else "✗ NOT valid"
        ran = f"ran in {tool}" if result.ran else "not run"
        self.set_status(f"{verdict} · {ran} · safety: {result.safety} · {result.attempts} attempt(s) · "
                        f"{result.seconds:.1f} s")
        attempts = self.query_one("#attempts", OptionList)
        attempts.clear_options()
        for n, attempt in enumerate(result.history, start=1):
            attempts.add_option(Option(attempt_label(n, attempt), id=f"attempt-{n}"))

    def show_entry(self, entry) -> None:
        """Load a script from history (its saved diagnostics are shown as they were)."""
        from copilot.diagnostics import Diagnostic

        self.request = entry.request
        self.result = None
        self.set_text(entry.script)
        self.show_diagnostics([Diagnostic(**d) for d in entry.diagnostics])
        self.query_one("#attempts", OptionList).clear_options()
        self.set_status(f"From history: {entry.request}  [{entry.status}]")

    def set_text(self, script: str) -> None:
        self.editor.load_text(script)
        self._placed = self.editor.text

    def set_status(self, text: str) -> None:
        self.query_one("#script-status", Static).update(Text(text))

    def show_diagnostics(self, diagnostics) -> None:
        self.diagnostics = list(diagnostics)
        box = self.query_one("#diagnostics", OptionList)
        box.clear_options()
        for n, d in enumerate(self.diagnostics):
            box.add_option(Option(diagnostic_label(d), id=f"diag-{n}"))
        if not self.diagnostics and self.script.strip():
            box.add_option(Option(Text("  ✓ no findings"), disabled=True))
        self.editor.mark(self.diagnostics)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("diag-"):
            event.stop()
            d = self.diagnostics[int(option_id[5:])]
            if d.line > 0:
                self.editor.move_cursor((d.line - 1, 0))
                self.editor.focus()
        elif option_id.startswith("attempt-") and self.result is not None:
            event.stop()
            attempt = self.result.history[int(option_id[8:]) - 1]
            self.set_text(attempt.script)
            self.show_diagnostics(attempt.diagnostics)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Changed arrives after the fact: compare with what the app put there to tell typing.
        if self.streaming or self.script == self._placed:
            return
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(CHECK_DELAY, self._ask_for_check)

    def _ask_for_check(self) -> None:
        self._check_timer = None
        self.app.check_script(self.script)

    def show_checked(self, script: str, diagnostics) -> None:
        """Findings of a re-check, if the text has not changed since."""
        if script == self.script and not self.streaming:
            self.show_diagnostics(diagnostics)
            self.set_status("Edited: checked again (syntax, commands, design, safety); "
                            "Ctrl+R runs it in your session.")
