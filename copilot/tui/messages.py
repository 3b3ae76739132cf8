"""Messages: workers post these from their threads; panes post requests up to the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.widgets import Input


def take_submitted(event: Input.Submitted, input_id: str) -> str:
    """The text a pane's own input (`input_id`) submitted, stripped; the event stops there and
    the input is cleared. '' for another input's event (left to bubble) or blank text."""
    if event.input.id != input_id:
        return ""
    event.stop()
    text = event.value.strip()
    if text:
        event.input.value = ""
    return text


@dataclass
class Loaded(Message):
    """A background part finished loading: `part` is model/checks/tool/docs; `error` if it failed."""

    part: str
    detail: str = ""
    error: str = ""


@dataclass
class AnswerToken(Message):
    text: str


@dataclass
class AnswerDone(Message):
    question: str
    answer: Any = None  # copilot.docs.answering.Answer
    error: str = ""
    cancelled: bool = False


@dataclass
class ScriptToken(Message):
    text: str


@dataclass
class ScriptDone(Message):
    request: str
    result: Any = None  # copilot.generate.result.GenerationResult
    error: str = ""
    cancelled: bool = False


@dataclass
class Checked(Message):
    """Static findings for the script text the user edited."""

    script: str
    diagnostics: list


@dataclass
class RunChecked(Message):
    """A script the user asked to run, with its safety level (checked before the dialog)."""

    script: str
    safety: str  # read-only / modifying / blocked / unchecked
    reason: str = ""


@dataclass
class ToolText(Message):
    """Output lines from the user's tool session, as they arrive."""

    text: str


@dataclass
class ToolDone(Message):
    script: str
    result: Any = None  # copilot.shells.result.RunResult
    error: str = ""
    typed: bool = False  # a command typed at the tool prompt, not a script from the Script pane


@dataclass
class AskRequested(Message):
    question: str


@dataclass
class GenerateRequested(Message):
    request: str


@dataclass
class CommandTyped(Message):
    """A command typed at the tool pane's prompt: it goes straight to the user's session."""

    command: str


@dataclass
class EntryChosen(Message):
    """The user opened a history entry."""

    entry: Any  # copilot.tui.history.Entry
