"""The app draws on a private copy of the terminal: fd 2 noise (and fd 2 being pointed at
/dev/null while llama.cpp loads a model) never reaches or blanks the screen."""

from __future__ import annotations

import sys
import textwrap

import pytest

pytest.importorskip("textual")

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
