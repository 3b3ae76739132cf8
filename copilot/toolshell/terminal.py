"""The user's terminal: switching between the raw mode of passthrough and cooked dialogs."""

from __future__ import annotations

import os
import sys
import termios
from contextlib import contextmanager

from copilot.errors import UsageError


class Terminal:
    """Remembers the user's own (cooked) mode so dialogs can use it inside a raw session."""

    def __init__(self, fd_in: int = 0, fd_out: int = 1) -> None:
        if not os.isatty(fd_in) or not os.isatty(fd_out):
            raise UsageError("copilot shell needs a terminal; in scripts use `copilot generate` "
                             "or the plugin (`copilot serve`).")
        self.fd_in, self.fd_out = fd_in, fd_out
        self.cooked = termios.tcgetattr(fd_in)

    @contextmanager
    def cooked_mode(self):
        """Line editing and echo back on (for input() and the editor), raw again after."""
        current = termios.tcgetattr(self.fd_in)
        termios.tcsetattr(self.fd_in, termios.TCSADRAIN, self.cooked)
        try:
            yield
        finally:
            sys.stdout.flush()
            termios.tcsetattr(self.fd_in, termios.TCSADRAIN, current)

    def write(self, text: str) -> None:
        """Write in raw mode, where a newline does not return the carriage by itself."""
        data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "replace")
        while data:
            data = data[os.write(self.fd_out, data):]

    def size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.fd_out)
            return size.lines, size.columns
        except OSError:
            return 24, 80
