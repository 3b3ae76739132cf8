"""The Textual app: four panes around one Workspace; every blocking call runs in a worker.

`create_app` is the only way the app is built, by `copilot tui` and by the tests alike.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane

from copilot.context import AppContext
from copilot.tui import messages as m
from copilot.tui.chat import ChatPane
from copilot.tui.history import Entry, History, save_script
from copilot.tui.history_pane import HistoryPane
from copilot.tui.screens import ConfirmRun, HelpScreen, SaveScript
from copilot.tui.script_pane import ScriptPane
from copilot.tui.tool_pane import ToolPane
from copilot.tui.workers import Workers
from copilot.tui.workspace import Workspace

PARTS = ("model", "checks", "tool", "docs")
FOCUS = {"chat": "#ask-input", "script": "#request-input", "tool": "#tool-input",
         "history": "#history-search"}
HIDDEN = ("script", "tool", "history")  # mounted one per tick after the first frame


class CopilotApp(Workers, App):
    """Chat, Script, Tool and History panes over one tool session and one model."""

    CSS_PATH = "copilot.tcss"
    TITLE = "EDA Copilot"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "pane('chat')", "Chat", show=False),
        Binding("f3", "pane('script')", "Script", show=False),
        Binding("f4", "pane('tool')", "Tool", show=False),
        Binding("f5", "pane('history')", "History", show=False),
        Binding("ctrl+r", "run_script", "Run", priority=True),
        Binding("ctrl+f", "repair", "Fix", priority=True),
        Binding("ctrl+b", "copy_script", "Copy", priority=True),
        Binding("ctrl+s", "save_script", "Save", priority=True),
        Binding("escape", "stop", "Stop"),
    ]

    def __init__(self, workspace: Workspace, history: History, *, autoload: bool = True,
                 no_color: bool = False, driver_class=None) -> None:
        super().__init__(driver_class=driver_class)
        self.workspace = workspace
        self.history = history
        self.autoload = autoload
        self.busy = ""  # "" | "generating" | "answering"
        self.parts: dict[str, str] = {p: "…" for p in PARTS}
        self.tool_state = ("", "")  # (detail, error) once the user's session started or failed
        self.unmounted = list(HIDDEN)
        self.errors_shown: set[str] = set()
        if no_color and not self.no_color:  # NO_COLOR in the AppContext's environment
            from textual.filter import Monochrome

            self.no_color = True
            self._filters.append(Monochrome())

    def compose(self) -> ComposeResult:
        # Only the chat pane is in the first frame; the others follow one per tick (or at
        # once when asked for), so the first keys are not queued behind their mounting.
        with TabbedContent(initial="chat", id="panes"):
            with TabPane("Chat F2", id="chat"):
                yield ChatPane()
            yield TabPane("Script F3", id="script")
            yield TabPane("Tool F4", id="tool")
            yield TabPane("History F5", id="history")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.show_status()
        self.query_one("#ask-input").focus()

    def on_ready(self) -> None:
        # After the first frame: the input takes keys at once while everything else loads.
        if self.autoload:
            self.load_all()
        self.set_timer(0.1, self.mount_next_pane)

    @property
    def panes_ready(self) -> bool:
        return not self.unmounted

    def build_pane(self, name: str) -> Widget:
        if name == "script":
            return ScriptPane()
        if name == "tool":
            setup = self.workspace.setup.name if self.workspace.setup else "no setup"
            return ToolPane(self.workspace.profile.name, setup)
        return HistoryPane(self.history)

    async def mount_pane(self, name: str) -> None:
        if name in self.unmounted:
            try:
                tab = self.query_one(f"TabPane#{name}", TabPane)
            except NoMatches:
                return  # the app is closing
            self.unmounted.remove(name)
            await tab.mount(self.build_pane(name))

    async def mount_next_pane(self) -> None:
        if self.unmounted:
            await self.mount_pane(self.unmounted[0])
            self.set_timer(0.05, self.mount_next_pane)

    def mounted(self, cls):
        """The pane of this class, or None while it is not mounted yet."""
        try:
            return self.query_one(cls)
        except NoMatches:
            return None

    def on_unmount(self) -> None:
        self.workspace.close()

    # -- status ---------------------------------------------------------------------------
    def show_status(self) -> None:
        words = {"model": "model", "checks": "checks", "tool": self.workspace.profile.name, "docs": "docs"}
        text = Text()
        for part in PARTS:
            text.append(f"{words[part]} {self.parts[part]}  ")
        if self.busy:
            text.append(f"— {self.busy}… (Esc stops)", style="bold")
        self.query_one("#status", Static).update(text)

    def on_loaded(self, message: m.Loaded) -> None:
        self.parts[message.part] = "✗" if message.error else "✓"
        self.show_status()
        if message.part == "tool":
            self.tool_state = (message.detail, message.error)
            if (tool := self.mounted(ToolPane)) is not None:  # else it reads tool_state on mount
                tool.ready(message.detail, message.error)
        elif message.part == "docs" and message.error:
            self.query_one(ChatPane).docs_missing(message.error)
        elif message.error and message.error not in self.errors_shown:  # checks fail with the model
            self.errors_shown.add(message.error)
            self.notify(message.error, title=f"{message.part} not available", severity="error", timeout=8)

    def set_busy(self, what: str) -> None:
        self.busy = what
        self.show_status()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "stop":
            return bool(self.busy)  # hidden from the footer when nothing runs
        return True

    # -- panes ----------------------------------------------------------------------------
    async def action_pane(self, pane: str) -> None:
        await self.mount_pane(pane)
        self.query_one(TabbedContent).active = pane
        self.query_one(FOCUS[pane]).focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        if pane in FOCUS:
            await self.action_pane(pane)

    # -- chat -----------------------------------------------------------------------------
    def on_ask_requested(self, message: m.AskRequested) -> None:
        if self.refuse_if_busy():
            return
        self.query_one(ChatPane).begin(message.question)
        self.set_busy("answering")
        self.ask_worker(message.question)

    def on_answer_token(self, message: m.AnswerToken) -> None:
        self.query_one(ChatPane).add_token(message.text)

    def on_answer_done(self, message: m.AnswerDone) -> None:
        self.set_busy("")
        self.query_one(ChatPane).finish(message.answer, message.error, message.cancelled)
        answer = message.answer
        citations = []
        if answer is not None:
            citations = [{"ref": n, "title": h.passage.title, "source": h.passage.source,
                          "page": h.passage.page} for n, h in enumerate(answer.sources, start=1)]
        status = ("failed" if message.error else "stopped" if message.cancelled
                  else "answered" if answer.known else "not in the docs")
        self.record(Entry("ask", message.question, answer=answer.text if answer else message.error,
                          status=status, citations=citations))

    # -- script ---------------------------------------------------------------------------
    async def on_generate_requested(self, message: m.GenerateRequested) -> None:
        await self.start_generation(message.request)

    async def start_generation(self, request: str, repair=None) -> None:
        if self.refuse_if_busy():
            return
        await self.action_pane("script")
        self.query_one(ScriptPane).begin(request, repair=repair is not None)
        self.set_busy("repairing" if repair is not None else "generating")
        self.generate_worker(request, repair)

    def on_script_token(self, message: m.ScriptToken) -> None:
        self.query_one(ScriptPane).add_token(message.text)

    def on_script_done(self, message: m.ScriptDone) -> None:
        self.set_busy("")
        pane = self.query_one(ScriptPane)
        pane.finish(message.result, message.error, message.cancelled, tool=self.workspace.profile.name)
        result = message.result
        if result is None:
            self.record(Entry("generate", message.request, status="stopped" if message.cancelled else "failed",
                              answer=message.error))
            return
        self.record(Entry("generate", message.request, script=result.script, output=result.output,
                          status="valid" if result.valid else "not valid",
                          diagnostics=[d.to_json() for d in result.diagnostics]))

    def check_script(self, script: str) -> None:
        """Called by the script pane after the user edits: static checks in a worker."""
        if script.strip():
            self.check_worker(script)

    def on_checked(self, message: m.Checked) -> None:
        self.query_one(ScriptPane).show_checked(message.script, message.diagnostics)

    def action_stop(self) -> None:
        if self.busy:
            self.workers.cancel_group(self, "model")
            self.notify("Stopping…", timeout=2)

    def refuse_if_busy(self) -> bool:
        if self.busy:
            self.notify(f"Still {self.busy}: press Esc to stop it first.", severity="warning")
        return bool(self.busy)

    # -- tool -----------------------------------------------------------------------------
    def action_run_script(self) -> None:
        pane = self.mounted(ScriptPane)
        script = pane.script if pane is not None else ""
        if not script.strip():
            self.notify("No script to run: generate or type one in the Script pane.", severity="warning")
            return
        if pane.streaming:
            self.notify("Wait for the generation to finish (or press Esc).", severity="warning")
            return
        self.run_check_worker(script)  # the dialog opens when the safety check is back

    def on_run_checked(self, message: m.RunChecked) -> None:
        from copilot.checks.gate import REFUSE, decide

        script = message.script
        if decide(message.safety, valid=True) == REFUSE:  # blocked, or not checked at all
            self.notify(f"Not run: {message.reason or 'its safety could not be checked'}. Copy it "
                        f"(Ctrl+B) and run it yourself if you mean it.",
                        title="blocked by policy", severity="error", timeout=8)
            return

        async def confirmed(yes: bool | None) -> None:
            if yes:
                await self.mount_pane("tool")
                self.run_in_tool(script, typed=False)
                # After the dialog's screen is gone: its closing restores the old focus.
                self.call_after_refresh(self.action_pane, "tool")

        self.push_screen(ConfirmRun(script, self.workspace.profile.name, message.safety, message.reason),
                         confirmed)

    def run_in_tool(self, script: str, typed: bool) -> None:
        self.query_one(ToolPane).begin(script, typed)
        self.tool_worker(script, typed)

    def on_command_typed(self, message: m.CommandTyped) -> None:
        self.run_in_tool(message.command, typed=True)

    def on_tool_text(self, message: m.ToolText) -> None:
        self.query_one(ToolPane).add_output(message.text)

    def on_tool_done(self, message: m.ToolDone) -> None:
        self.query_one(ToolPane).finish(message.script, message.result, message.error, typed=message.typed)
        from copilot.tui.tool_pane import verdict

        result = message.result
        status = "failed" if message.error else verdict(result)
        self.record(Entry("run", message.script.strip().splitlines()[0] if message.script.strip() else "",
                          script=message.script, output=result.output if result else message.error,
                          status=status,
                          diagnostics=[d.to_json() for d in result.diagnostics] if result else []))

    async def action_repair(self) -> None:
        """Send the last run's script and its tool errors back to the model."""
        from copilot.generate.result import Attempt
        from copilot.tui.tool_pane import has_problems

        tool = self.mounted(ToolPane)
        last = tool.last_run if tool is not None else None
        if last is None or not has_problems(last[1]):
            self.notify("Nothing to repair: run a script (Ctrl+R) that the tool rejects first.",
                        severity="warning")
            return
        script, result = last
        attempt = Attempt(script, result.diagnostics, ran=True, output=result.output)
        pane = self.mounted(ScriptPane)
        request = (pane.request if pane is not None else "") or "make this script run without errors"
        await self.start_generation(request, repair=attempt)

    # -- history, clipboard, files --------------------------------------------------------
    def record(self, entry: Entry) -> None:
        try:
            self.history.add(entry)
        except OSError as exc:
            self.notify(f"history not saved: {exc}", severity="error")
        if (pane := self.mounted(HistoryPane)) is not None:  # else it lists the file on mount
            pane.refresh_list()

    async def on_entry_chosen(self, message: m.EntryChosen) -> None:
        entry = message.entry
        if entry.kind == "ask":
            await self.action_pane("chat")
            self.query_one(ChatPane).show_entry(entry)
        else:
            await self.action_pane("script")
            self.query_one(ScriptPane).show_entry(entry)

    def current_script(self) -> str:
        """The history entry's script when History is shown, else the Script pane's."""
        if self.query_one(TabbedContent).active == "history":
            entry = self.query_one(HistoryPane).selected
            return entry.script if entry else ""
        pane = self.mounted(ScriptPane)
        return pane.script if pane is not None else ""

    def action_copy_script(self) -> None:
        script = self.current_script()
        if not script.strip():
            self.notify("No script to copy.", severity="warning")
            return
        self.copy_to_clipboard(script)
        self.notify(f"Copied {len(script.splitlines())} line(s) to the clipboard.", timeout=3)

    def action_save_script(self) -> None:
        script = self.current_script()
        if not script.strip():
            self.notify("No script to save.", severity="warning")
            return

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                save_script(path, script)
            except OSError as exc:
                self.notify(f"could not save {path}: {exc.strerror}", severity="error")
                return
            self.notify(f"Saved {path}", timeout=4)

        suggestion = f"copilot-{time.strftime('%Y%m%d-%H%M%S')}.tcl"
        self.push_screen(SaveScript(suggestion), chosen)


def create_app(app: AppContext, *, tool: str | None = None, setup: Path | None = None,
               model=None, history_path: Path | None = None, autoload: bool = True,
               driver_class=None) -> CopilotApp:
    """Build the app; `model` overrides the configured backend, `autoload` starts loading on ready."""
    workspace = Workspace(app, tool, setup, model=model)
    history = History.load(history_path or app.locations.tui_history_file)
    return CopilotApp(workspace, history, autoload=autoload, no_color="NO_COLOR" in app.environ,
                      driver_class=driver_class)


def run_app(app: AppContext, *, tool: str | None = None, setup: Path | None = None, model=None) -> None:
    """Run the workspace in this terminal (what `copilot tui` does)."""
    from copilot.tui.terminal import private_terminal

    import asyncio

    # Our own loop: asyncio.run() would wait at the end for worker threads still loading a
    # model or store (seconds after Ctrl+Q); they hold nothing of the user's (history is
    # saved as it changes, sessions are closed on unmount), so quitting does not wait.
    loop = asyncio.new_event_loop()
    with private_terminal(app.locations.logs_dir / "tui-stderr.log") as driver_class:
        tui = create_app(app, tool=tool, setup=setup, model=model, driver_class=driver_class)
        try:
            tui.run(loop=loop)
        finally:
            loop.close()
    if tui.workspace.busy():  # else Python's exit would join the loading thread
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(tui.return_code or 0)
