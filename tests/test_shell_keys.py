"""The keystroke tracker and output stream of `copilot shell` (pure, no terminal)."""

from __future__ import annotations

from copilot.toolshell.keys import INTERRUPT, REQUEST, LineTracker
from copilot.toolshell.live_tool import MarkedStream


def test_prefix_at_line_start_is_held_back_and_becomes_a_request():
    keys = LineTracker("??")
    assert keys.feed("??report paths\r") == ("", REQUEST, "report paths\r")
    keys.reset()
    assert keys.feed("puts ??\r") == ("puts ??\r", None, "")
    assert keys.drain() == [("puts ??", True)]


def test_a_lone_question_mark_reaches_the_tool_and_backspace_cancels_it():
    keys = LineTracker("??")
    assert keys.feed("?x\r") == ("?x\r", None, "")
    assert keys.drain() == [("?x", True)]
    assert keys.feed("?\x7fputs a\r") == ("puts a\r", None, "")
    assert keys.drain() == [("puts a", True)]


def test_editing_keys_and_ctrl_c():
    keys = LineTracker("??")
    keys.feed("puts abc\x7f\x7fx\r")
    assert keys.drain() == [("puts ax", True)]
    keys.feed("\x1b[Aputs\r")  # history recall: what the tool got is not known exactly
    assert keys.drain() == [("puts", False)]
    assert keys.feed("report\x03more") == ("report", INTERRUPT, "more")
    keys.reset()  # the shell clears the tool's line on Ctrl-C
    keys.feed("set a b\x17c\r")
    assert keys.drain() == [("set a c", True)]


def test_stream_drops_the_echo_and_markers_and_keeps_text_before_a_marker():
    shown: list[str] = []
    stream = MarkedStream("t1", shown.append)
    stream.feed("::copilot_rt::run {/x} t1\r\n<<t1:BEGIN>>\r\n<<t1:LINE 1>>\r\nhel")
    stream.feed("lo\r\npartial<<t1:LINE 2>>\r\nnext\r\n<<t1:END 0>>\r\nOpenSTA> ")
    assert "".join(shown) == "hello\npartial\nnext\n"
