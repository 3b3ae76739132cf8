"""The OpenSTA driver against the real Debian `sta`."""

from __future__ import annotations

import os
import signal

import pytest

from conftest import needs_sta
from copilot import resources
from copilot.errors import SetupError, ToolError
from copilot.shells.profile import load_profile
from copilot.shells.tcl_session import TclSession

pytestmark = needs_sta


@pytest.fixture
def sta(tmp_path):
    with TclSession(load_profile("opensta"), tmp_path, timeout=5) as session:
        session.load_setup(resources.demo_setup())
        yield session


def test_multi_line_script_output_and_procs(sta):
    result = sta.run_script(
        "proc count_of {pattern} {\n  return [llength [get_ports $pattern]]\n}\n"
        "foreach bus {req_a resp_data} {\n  puts \"$bus [count_of ${bus}*]\"\n}\n")
    assert result.clean
    assert result.output.splitlines() == ["req_a 8", "resp_data 8"]


def test_error_on_line_n_is_reported_on_line_n(sta):
    result = sta.run_script("puts one\nputs two\n\nreport_wns -max\nputs never\n")
    assert result.status == "error"
    assert [(d.line, d.severity) for d in result.diagnostics] == [(4, "error")]
    assert "report_wns -max" in result.diagnostics[0].message
    assert "never" not in result.output


def test_error_inside_a_multi_line_command_names_its_line(sta):
    result = sta.run_script("puts a\nforeach p [get_ports req_a*] {\n  set x 1\n  no_such_cmd $p\n}\n")
    assert result.diagnostics[0].line == 4
    assert "no_such_cmd" in result.diagnostics[0].message


def test_warning_only_mistakes_are_flagged(sta):
    result = sta.run_script("report_checks -foo\nset_input_delay 1 -clock clk [get_ports nothere]\n")
    assert result.status == "ok"
    lines = {d.line: d for d in result.diagnostics}
    assert lines[1].severity == "warning" and "-foo" in lines[1].message
    assert lines[2].severity == "warning" and "nothere" in lines[2].message
    assert not result.clean


def test_unclosed_brace_is_a_syntax_error(sta):
    result = sta.run_script("puts a\nforeach p [get_ports *] {\n  puts $p\n")
    assert result.status == "error" and result.diagnostics[0].line == 2


def test_hang_is_survived_by_restart_and_setup_replay(sta):
    sta.timeout = 1
    result = sta.run_script("puts start\nwhile {1} {}\n")
    assert result.status == "timeout"
    assert result.diagnostics[-1].line == 2
    assert sta.restarts == 1
    sta.timeout = 5
    again = sta.run_script("puts [llength [get_ports *]]")
    assert again.clean and again.output == "35"  # the design was loaded again


def test_crash_is_survived(sta):
    os.kill(sta._child.pid, signal.SIGKILL)
    result = sta.run_script("puts [llength [get_cells *]]")
    assert result.clean and int(result.output) > 100
    assert sta.restarts == 1


def test_setup_that_fails_raises_setup_error(tmp_path):
    bad = tmp_path / "bad.tcl"
    bad.write_text("read_liberty /no/such.lib\n")
    with TclSession(load_profile("opensta"), tmp_path / "w", timeout=5) as session:
        with pytest.raises(SetupError, match="bad.tcl"):
            session.load_setup(bad)


def test_missing_executable_is_a_tool_error(tmp_path):
    with pytest.raises(ToolError, match="not installed"):
        TclSession(load_profile("opensta"), tmp_path, executable="/no/such/sta").start()


def test_history_file_stays_in_the_scratch_dir(tmp_path):
    with TclSession(load_profile("opensta"), tmp_path, timeout=5) as session:
        assert session.version() == "2.0.17"
    assert not (os.getcwd() + "/.history_sta" != "" and os.path.exists(".history_sta"))


def test_output_streams_line_by_line_before_the_run_ends(sta):
    import time

    began = time.monotonic()
    seen: list[tuple[float, str]] = []
    result = sta.run_script("puts first\nafter 400\nputs second\nreport_tns\n",
                            on_output=lambda text: seen.append((time.monotonic() - began, text)))
    assert result.clean
    assert "".join(text for _, text in seen) == result.output + "\n"
    assert seen[0][1] == "first\n" and seen[0][0] < 0.35  # before the 400 ms pause is over
    assert all(text.endswith("\n") for _, text in seen)


def test_streamed_output_of_a_failing_script_stops_at_the_error(sta):
    seen: list[str] = []
    result = sta.run_script("puts one\nreport_wns -max\nputs never\n", on_output=seen.append)
    assert result.status == "error" and "".join(seen) == "one\n"
