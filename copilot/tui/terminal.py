"""Run the app on a terminal of its own: library noise on fd 2 never reaches the screen.

Textual draws on fd 2 (stderr). Native libraries write there too, and the model loader
silences llama.cpp by pointing fd 2 at /dev/null while a model loads, which would drop
every frame drawn meanwhile (the screen froze for the ~2 s of a model load). So the app
draws on a private copy of the terminal, and fd 2 goes to a log file while it runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Iterator

from textual.drivers.linux_driver import LinuxDriver


class PrivateTerminalDriver(LinuxDriver):
    """The Linux driver, drawing on `output` instead of whatever fd 2 is at the moment."""

    output = None  # a text file on a dup of the terminal, set by private_terminal()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.output is not None:
            self._file = self.output  # the attribute LinuxDriver writes frames to (Textual 8)


@contextlib.contextmanager
def private_terminal(log_path: Path) -> Iterator[type | None]:
    """A driver class drawing on a copy of the terminal while fd 2 goes to `log_path`.

    Yields None (Textual's own driver) where that is not possible: not POSIX, or fd 2 is
    not a terminal (then nothing is drawn there anyway).
    """
    if os.name != "posix" or not os.isatty(2):
        yield None
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace")
    saved = os.dup(2)
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 2)
    driver = type("CopilotTerminalDriver", (PrivateTerminalDriver,), {"output": terminal})
    try:
        yield driver
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        terminal.close()
        sys.stderr.flush()
