"""What the user is typing on the tool's input line, read from raw keystrokes.

The tool's own readline does the editing; the copilot only needs to know whether a line
starts with the request prefix (those keys are held back, never sent to the tool), when
Ctrl-C is pressed, and which lines were entered (for the history). Lines edited with cursor
keys, history recall or completion are marked inexact: the keystrokes alone cannot say what
the tool received.
"""

from __future__ import annotations

INTERRUPT, REQUEST = "interrupt", "request"


class LineTracker:
    """Feed raw keystrokes; get what to forward to the tool and any event to act on."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.line = ""
        self.exact = True
        self.held = ""
        self.entered: list[tuple[str, bool]] = []
        self._escape = ""

    def reset(self) -> None:
        self.line, self.exact, self.held, self._escape = "", True, "", ""

    def feed(self, text: str) -> tuple[str, str | None, str]:
        """(text for the tool, event or None, the rest of `text` not yet looked at)."""
        out = []
        for i, ch in enumerate(text):
            rest = text[i + 1:]
            if ch == "\x03":
                self.held = ""
                return "".join(out), INTERRUPT, rest
            if self.held or (self.prefix and not self.line and self.exact and ch == self.prefix[0]):
                candidate = self.held + ch
                if ch in "\x7f\x08":
                    self.held = self.held[:-1]
                    continue
                if self.prefix.startswith(candidate):
                    self.held = candidate
                    if candidate == self.prefix:
                        self.held = ""
                        return "".join(out), REQUEST, rest
                    continue
                out.append(self.held)
                self.line, self.held = self.held, ""
            out.append(ch)
            self._track(ch)
        return "".join(out), None, ""

    def _track(self, ch: str) -> None:
        if self._escape:  # inside ESC [ ... final, or ESC O x: a cursor or function key
            self._escape += ch
            if len(self._escape) == 2 and ch not in "[O":
                self._escape = ""
            elif len(self._escape) > 2 and (ch.isalpha() or ch == "~"):
                self._escape = ""
            return
        if ch in "\r\n":
            self.entered.append((self.line, self.exact))
            self.line, self.exact = "", True
        elif ch in "\x7f\x08":
            self.line = self.line[:-1]
        elif ch == "\x15":  # ^U: kill the line
            self.line = ""
        elif ch == "\x17":  # ^W: kill a word
            stripped = self.line.rstrip()
            self.line = stripped[:stripped.rfind(" ") + 1]
        elif ch < " ":
            self.exact = False  # cursor keys, completion, history search...
            self._escape = ch if ch == "\x1b" else ""
        else:
            self.line += ch

    def drain(self) -> list[tuple[str, bool]]:
        """Lines entered since the last call, each with whether it is known exactly."""
        entered, self.entered = self.entered, []
        return entered
