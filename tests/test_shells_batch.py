"""The batch Tcl adapter on real Debian yosys 0.23 (it has no interactive Tcl shell)."""

from __future__ import annotations

import pytest

from conftest import REPO, have
from copilot.errors import SetupError
from copilot.shells.factory import open_session
from copilot.shells.profile import load_profile

pytestmark = pytest.mark.skipif(not have("yosys"), reason="Debian yosys not installed")
RTL = REPO / "adapters" / "opensta" / "demo" / "demo_core.v"


@pytest.fixture
def yosys(app, tmp_path):
    session = open_session(app, load_profile("yosys"), tmp_path / "w", timeout=5)
    setup = tmp_path / "setup.tcl"
    setup.write_text(f"yosys read_verilog {RTL}\nyosys hierarchy -top demo_core\n")
    session.load_setup(setup)
    yield session
    session.close()


def test_version_and_setup_replayed_for_each_script(yosys):
    assert yosys.version().startswith("Yosys 0.23")
    result = yosys.run_script("yosys stat\n")
    assert result.clean and "=== demo_core ===" in result.output


def test_yosys_error_names_the_script_line(yosys):
    result = yosys.run_script("puts start\nforeach m {a b} {\n  puts $m\n}\nyosys no_such_pass\nputs never\n")
    assert result.status == "error"
    assert [(d.line, d.severity) for d in result.diagnostics] == [(5, "error")]
    assert "no_such_pass" in result.diagnostics[0].message
    assert "never" not in result.output


def test_warning_only_mistake_is_flagged(yosys):
    result = yosys.run_script("yosys select -list nosuchcell\n")
    assert result.status == "ok" and not result.clean
    assert result.diagnostics[0].line == 1 and "nosuchcell" in result.diagnostics[0].message


def test_hang_is_stopped_and_the_next_script_runs(yosys):
    yosys.timeout = 1
    assert yosys.run_script("puts a\nwhile 1 {}\n").status == "timeout"
    yosys.timeout = 5
    assert yosys.run_script("puts [expr {6 * 7}]").output == "42"


def test_failing_setup_is_a_setup_error(app, tmp_path):
    session = open_session(app, load_profile("yosys"), tmp_path, timeout=5)
    bad = tmp_path / "bad.tcl"
    bad.write_text("yosys read_verilog /no/such.v\n")
    with pytest.raises(SetupError, match="bad.tcl"):
        session.load_setup(bad)
