"""The history pane: every request of every session, searchable, with a preview."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from copilot.tui.history import Entry, History
from copilot.tui.messages import EntryChosen


def preview(entry: Entry) -> Text:
    text = Text()
    text.append(f"{entry.kind}: {entry.request}\n", style="bold")
    if entry.status:
        text.append(f"[{entry.status}]\n", style="italic")
    if entry.script:
        text.append("\n" + entry.script.rstrip() + "\n")
    if entry.answer:
        text.append("\n" + entry.answer.rstrip() + "\n")
    if entry.output:
        text.append("\n" + entry.output.rstrip()[:4000] + "\n", style="dim")
    return text


class HistoryPane(Vertical):
    """Search box, matching entries (newest first) and the highlighted entry's contents."""

    def __init__(self, history: History, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = history
        self.shown: list[Entry] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search history (words match request, script, answer)", id="history-search")
        with Horizontal(id="history-body"):
            yield OptionList(id="history-list")
            yield VerticalScroll(Static("", id="history-preview"), id="history-preview-scroll")

    def on_mount(self) -> None:
        self.refresh_list()

    @property
    def selected(self) -> Entry | None:
        index = self.query_one("#history-list", OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def refresh_list(self) -> None:
        query = self.query_one("#history-search", Input).value
        self.shown = self.history.search(query)
        box = self.query_one("#history-list", OptionList)
        box.clear_options()
        box.add_options([Option(Text(e.label())) for e in self.shown])
        if self.shown:
            box.highlighted = 0
        self._preview()

    def _preview(self) -> None:
        entry = self.selected
        self.query_one("#history-preview", Static).update(preview(entry) if entry else Text(
            "No entries match." if self.history.entries else "Nothing here yet: ask, generate or run something."))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "history-search":
            event.stop()
            self.refresh_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "history-search":
            event.stop()
            self.query_one("#history-list", OptionList).focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "history-list":
            event.stop()
            self._preview()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "history-list" and self.selected is not None:
            event.stop()
            self.post_message(EntryChosen(self.selected))
