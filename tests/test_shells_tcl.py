"""The Tcl adapter on a real tclsh, the profile loader, and the adapter factory."""

from __future__ import annotations

import os
import signal

import pytest

from conftest import have
from copilot.errors import ToolError, UsageError
from copilot.shells.base import ToolSession
from copilot.shells.factory import make_session, open_session
from copilot.shells.profile import load_profile, profile_names

needs_tclsh = pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")


@pytest.fixture
def tclsh(app, tmp_path):
    session = open_session(app, load_profile("tclsh"), tmp_path, timeout=5)
    yield session
    session.close()


@needs_tclsh
def test_multi_line_script_with_an_error_on_line_n(tclsh):
    assert isinstance(tclsh, ToolSession)
    result = tclsh.run_script(
        "proc twice {x} {\n  return [expr {2 * $x}]\n}\nputs [twice 4]\n"
        "foreach v {1 2} {\n  puts v$v\n  lindex\n}\nputs never\n")
    assert result.status == "error"
    assert result.output.splitlines()[:2] == ["8", "v1"]
    assert [(d.line, d.severity) for d in result.diagnostics] == [(7, "error")]
    assert "lindex" in result.diagnostics[0].message
    assert "never" not in result.output


@needs_tclsh
def test_state_persists_between_scripts_and_non_utf8_output_is_replaced(tclsh):
    assert tclsh.run_script("set kept 42").clean
    result = tclsh.run_script("puts $kept\nputs [encoding convertfrom iso8859-1 \\xff]\n"
                              "fconfigure stdout -encoding binary\nputs \\xff\\xfe\n"
                              "fconfigure stdout -encoding utf-8\n")
    assert result.clean
    assert result.output.splitlines()[0] == "42"
    assert "\ufffd" in result.output  # bytes that are not UTF-8 arrive replaced, not as a crash


@needs_tclsh
def test_hang_times_out_and_the_session_goes_on(tclsh):
    tclsh.timeout = 1
    result = tclsh.run_script("puts start\nafter 100\nwhile {1} {}\n")
    assert result.status == "timeout" and result.output == "start"
    assert result.diagnostics[-1].line == 3 and "restarted" in result.diagnostics[-1].message
    tclsh.timeout = 5
    assert tclsh.run_script("puts [expr {6 * 7}]").output == "42"


@needs_tclsh
def test_crash_is_survived_with_the_setup_replayed(tclsh, tmp_path):
    setup = tmp_path / "setup.tcl"
    setup.write_text("set design demo\n")
    tclsh.load_setup(setup)
    os.kill(tclsh._child.pid, signal.SIGKILL)
    result = tclsh.run_script("puts $design")
    assert result.clean and result.output == "demo" and tclsh.restarts == 1
    crash = tclsh.run_script("puts before\nexit 3\n")
    assert crash.status == "crashed" and crash.diagnostics[-1].line == 2
    assert tclsh.run_script("puts $design").output == "demo"


@needs_tclsh
def test_huge_output_is_cut_with_a_notice(tclsh):
    result = tclsh.run_script("for {set i 0} {$i < 30000} {incr i} { puts [string repeat x 20]$i }")
    assert result.clean
    assert result.output.endswith("characters ...]") and len(result.output) < 210_000


@needs_tclsh
def test_interrupt_restarts_a_tool_that_dies_on_sigint(tclsh):
    tclsh.interrupt()
    assert tclsh.restarts == 1 and tclsh.alive


def test_missing_tool_lists_the_other_profiles(app, tmp_path):
    session = make_session(app, load_profile("tclsh"), tmp_path)
    session.executable = "/no/such/tclsh"
    with pytest.raises(ToolError, match=r"not installed.*opensta.*profile\.toml"):
        session.start()


def test_every_shipped_profile_loads_or_says_how_to_enable_it(app):
    for name in profile_names():
        try:
            profile = load_profile(name, app.locations)
        except UsageError as exc:
            assert "enabled = true" in str(exc), name
            continue
        assert profile.prompt and profile.session in ("tcl", "tcl-batch", "python")


def test_user_profile_enables_and_adjusts_a_shipped_one(app):
    with pytest.raises(UsageError, match="ships disabled"):
        load_profile("openroad", app.locations)
    folder = app.locations.user_adapters_dir / "openroad"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text('enabled = true\nexecutable = "/opt/or/bin/openroad"\n')
    profile = load_profile("openroad", app.locations)
    assert profile.executable == "/opt/or/bin/openroad" and profile.prompt == "openroad> "
    assert "modify" in profile.commands


@needs_tclsh
def test_user_profile_adds_a_tool_without_code(app, tmp_path):
    folder = app.locations.user_adapters_dir / "mytcl"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text(
        'name = "mytcl"\ndescription = "my Tcl"\nlanguage = "tcl"\nexecutable = "tclsh"\n'
        'args = []\nprompt = "% "\nsource_command = "source"\nenv = { TERM = "dumb" }\n'
        "init_commands = ['set greeting hello']\n")
    assert "mytcl" in profile_names(app.locations)
    session = open_session(app, load_profile("mytcl", app.locations), tmp_path)
    try:
        assert session.run_script("puts $greeting").output == "hello"
    finally:
        session.close()


@pytest.mark.parametrize("text,needle", [
    ("name = [", "not valid TOML"),
    ('prompt = "> "\nfrobnicate = 1\n', "unknown key(s) frobnicate"),
    ('name = "x"\n', "lacks description"),
])
def test_bad_user_profile_is_one_clear_error(app, text, needle):
    folder = app.locations.user_adapters_dir / "broken"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text(text)
    with pytest.raises(UsageError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        load_profile("broken", app.locations)


def test_unknown_tool_names_the_known_ones(app):
    with pytest.raises(UsageError, match="known tools: .*opensta.*python3.*tclsh"):
        load_profile("nosuchtool", app.locations)


@needs_tclsh
def test_a_relative_or_missing_setup_path_fails_fast(tclsh, tmp_path, monkeypatch):
    import time

    from copilot.errors import SetupError

    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "setup.tcl").write_text("set loaded 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "here")
    tclsh.load_setup("setup.tcl")  # relative to the caller's folder, not the tool's
    assert tclsh.run_script("puts $loaded\n").output.strip() == "1"
    began = time.monotonic()
    with pytest.raises(SetupError):
        tclsh.load_setup(tmp_path / "gone.tcl")  # the runtime reports it; no wait for a timeout
    assert time.monotonic() - began < 4
