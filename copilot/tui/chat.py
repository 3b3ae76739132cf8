"""The chat pane: questions about the docs, answers streamed in, and the cited sources."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from copilot.tui.messages import AskRequested, take_submitted

CITATION = re.compile(r"\[(\d{1,2})\]")
FLUSH = 0.05  # seconds between redraws of an answer while it streams
LABEL = 60  # characters of a source's line in the list (the passage below has it all)


def where(hit) -> str:
    """A source's file name and page, as the answer's sources list shows it."""
    page = f", page {hit.passage.page}" if hit.passage.page else ""
    return f"{hit.passage.source.rsplit('/', 1)[-1]}{page}"


def answer_text(text: str) -> Text:
    """The answer with its citation numbers set off (bold, so they survive NO_COLOR)."""
    out = Text(text)
    for match in CITATION.finditer(text):
        out.stylize("bold", match.start(), match.end())
    return out


class ChatPane(Vertical):
    """Transcript and question input on the left; sources of the last answer on the right."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list = []
        self.cited: list[int] = []
        self._streaming: Static | None = None
        self._streamed = ""
        self._flush_timer = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="chat-body"):
            yield VerticalScroll(Static(
                "Ask about the tool's documentation. Answers cite the passages they use as [1], "
                "[2]...; the passages are listed under Sources.", id="chat-hint", classes="hint"),
                id="transcript")
            with Vertical(id="sources"):
                yield Static("Sources", classes="pane-title")
                yield OptionList(id="source-list")
                yield VerticalScroll(Static("", id="passage"), id="passage-scroll")
        yield Input(placeholder="Ask a question about the docs (Enter)", id="ask-input")

    def docs_missing(self, error: str) -> None:
        """Say in the transcript why questions cannot be answered yet."""
        self.query_one("#chat-hint", Static).update(Text("✗ " + error, style="bold"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if question := take_submitted(event, "ask-input"):
            self.post_message(AskRequested(question))

    # -- called by the app ------------------------------------------------------------------
    def begin(self, question: str) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(Static(Text.assemble(("You: ", "bold"), question), classes="question"))
        self._streamed = ""
        self._streaming = Static(Text("…"), classes="answer")
        transcript.mount(self._streaming)
        transcript.scroll_end(animate=False)

    def add_token(self, text: str) -> None:
        if self._streaming is None:
            return
        self._streamed += text
        if self._flush_timer is None:  # redraw in batches: tokens can come faster than frames
            self._flush_timer = self.set_timer(FLUSH, self.flush)

    def flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        if self._streaming is not None:
            self._streaming.update(answer_text(self._streamed))
            self.query_one("#transcript", VerticalScroll).scroll_end(animate=False)

    def finish(self, answer=None, error: str = "", cancelled: bool = False) -> None:
        """Show the final answer (or why there is none) and fill the sources panel."""
        self.flush()
        bubble, self._streaming = self._streaming, None
        if bubble is None:
            return
        if error:
            bubble.update(Text("✗ " + error, style="bold"))
            return
        if cancelled:
            bubble.update(answer_text(self._streamed) + Text("  [stopped]", style="italic"))
            return
        body = answer_text(answer.text)
        self.hits = list(answer.sources)
        self.cited = answer.cited()
        if self.hits:
            body.append("\n")
            for n, hit in enumerate(self.hits, start=1):
                mark = "" if n in self.cited or not self.cited else " (not cited)"
                body.append(f"\n[{n}] {where(hit)} — {hit.passage.title}{mark}", style="dim")
        bubble.update(body)
        self.show_sources()
        self.query_one("#transcript", VerticalScroll).scroll_end(animate=False)

    def show_sources(self) -> None:
        options = self.query_one("#source-list", OptionList)
        options.clear_options()
        for n, hit in enumerate(self.hits, start=1):
            mark = "*" if n in self.cited else " "
            label = f"{mark}[{n}] {where(hit)} — {hit.passage.title}"
            short = label if len(label) <= LABEL else label[:LABEL - 1] + "…"
            options.add_option(Option(Text(short), id=f"ref-{n}"))
        if self.hits:
            first = (self.cited[0] if self.cited else 1) - 1
            options.highlighted = first
            self.call_after_refresh(options.scroll_to_highlight)  # the list has its size by then
            self.show_passage(first)
        else:
            self.query_one("#passage", Static).update("")

    def show_passage(self, index: int) -> None:
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        page = f", page {hit.passage.page}" if hit.passage.page else ""
        body = hit.passage.text
        if body.split("\n", 1)[0].strip() == hit.passage.title.strip():
            body = body.split("\n", 1)[1] if "\n" in body else ""  # the title line, shown above
        self.query_one("#passage", Static).update(Text.assemble(
            (f"[{index + 1}] {hit.passage.title}\n", "bold"), (f"{hit.passage.source}{page}\n\n", "italic"),
            body.strip()))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "source-list" and event.option_index is not None:
            event.stop()
            self.show_passage(event.option_index)

    def show_entry(self, entry) -> None:
        """Put a past question and its answer (from history) back in the transcript."""
        transcript = self.query_one("#transcript", VerticalScroll)
        transcript.mount(Static(Text.assemble(("You: ", "bold"), entry.request), classes="question"))
        body = answer_text(entry.answer or f"({entry.status})")
        for c in entry.citations:
            page = f", page {c['page']}" if c.get("page") else ""
            body.append(f"\n[{c['ref']}] {c.get('source', '').rsplit('/', 1)[-1]}{page} — {c.get('title', '')}",
                        style="dim")
        transcript.mount(Static(body, classes="answer"))
        transcript.scroll_end(animate=False)
