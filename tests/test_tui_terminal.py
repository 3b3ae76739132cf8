"""The app draws on a private copy of the terminal: fd 2 noise (and fd 2 being pointed at
/dev/null while llama.cpp loads a model) never reaches or blanks the screen."""

from __future__ import annotations

import sys
import textwrap

import pytest

pytest.importorskip("textual")

from conftest import needs_sta  # noqa: E402

CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from copilot.tui.terminal import private_terminal

    with private_terminal(Path(sys.argv[1])) as driver:
        assert driver is not None and driver.output is not None
        os.write(2, b"NOISE-FROM-A-LIBRARY\\n")
        null = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(2)
        os.dup2(null, 2)                      # what quiet_stderr() does during a model load
        driver.output.write("FRAME-DRAWN-MEANWHILE\\n")
        driver.output.flush()
        os.dup2(saved, 2)
    os.write(2, b"AFTER-THE-APP\\n")          # fd 2 is the terminal again
""")


def test_frames_survive_fd2_redirects_and_noise_goes_to_the_log(tmp_path):
    import pexpect

    log = tmp_path / "logs" / "tui-stderr.log"
    child = pexpect.spawn(sys.executable, ["-c", CHILD, str(log)], encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before
    assert child.exitstatus == 0, shown
    assert "FRAME-DRAWN-MEANWHILE" in shown and "AFTER-THE-APP" in shown
    assert "NOISE-FROM-A-LIBRARY" not in shown
    assert "NOISE-FROM-A-LIBRARY" in log.read_text()


def test_no_terminal_means_textuals_own_driver(tmp_path):
    import subprocess

    code = ("import sys; from pathlib import Path; from copilot.tui.terminal import private_terminal\n"
            "with private_terminal(Path(sys.argv[1])) as d: print(d)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.log")], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "None" and not (tmp_path / "x.log").exists()


@needs_sta
def test_copilot_alone_opens_the_workspace_and_quits_promptly(copilot_home):
    """`copilot` with no arguments is the TUI; Ctrl+Q does not wait for loads in flight."""
    import os
    import time

    import pexpect

    env = dict(os.environ, TERM="xterm-256color", COPILOT_HOME=str(copilot_home),
               COPILOT_MODEL=str(copilot_home / "missing.gguf"))  # the model fails fast, visibly
    child = pexpect.spawn(sys.executable, ["-m", "copilot"], env=env, dimensions=(24, 80),
                          encoding="utf-8", timeout=60)
    child.expect_exact("question about the docs")  # the chat input is on screen
    child.expect_exact("model ✗")  # load failures are shown in the status bar
    child.send("\x11")  # Ctrl+Q
    began = time.monotonic()
    child.expect(pexpect.EOF, timeout=15)
    child.close()
    assert child.exitstatus == 0
    assert time.monotonic() - began < 5
    log = copilot_home / "data" / "logs" / "tui-stderr.log"
    assert log.parent.is_dir()
