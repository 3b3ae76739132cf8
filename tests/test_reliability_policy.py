"""Safety policy: what generated scripts may not do, a team's own policy, and the one rule
(copilot/checks/gate.py) every entry point that runs a script in the user's session obeys."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

import pytest

from conftest import REPO, have, needs_sta
from copilot.catalog.catalog import Catalog
from copilot.catalog.introspect import classification_rules
from copilot.checks.gate import ASK, ASK_TYPED, REFUSE, RUN, decide, static_safety
from copilot.checks.python_checks import check_python
from copilot.checks.safety import assess_tcl
from copilot.checks.tcl_tree import parse_tcl
from copilot.context import AppContext
from copilot.diagnostics import Diagnostic
from copilot.generate.result import GenerationResult
from copilot.shells.profile import load_profile

CATALOG = Catalog.load(REPO / "adapters" / "opensta" / "catalog.json")
RULES = classification_rules(load_profile("opensta").commands)


def tcl_level(script: str, rules=RULES) -> tuple[str, list[str]]:
    report = assess_tcl(parse_tcl(script), CATALOG, rules)
    return report.level, [d.message for d in report.diagnostics if d.severity == "error"]


@pytest.mark.parametrize("script,reason", [
    ("exec rm -rf /tmp/x\n", "runs another program"),
    ('set f [open "|rm -rf /tmp/x"]\n', "pipe to another program"),
    ("socket evil.example.com 80\n", "network connection"),
    ("file delete -force /tmp/x\n", "'file delete' changes files on disk"),
    ("cd /tmp\n", "working directory"),
    ("source /tmp/anything.tcl\n", "not checked"),
    ('eval "exec rm -rf /tmp/x"\n', "runs text as code"),
    ("subst {[exec ls]}\n", "runs commands inside text"),
    ("uplevel #0 {report_tns}\n", "another scope"),
    ("exit\n", "ends your tool session"),
])
def test_os_reaching_tcl_is_blocked_with_its_reason(script, reason):
    level, errors = tcl_level(script)
    assert level == "blocked" and any(reason in e for e in errors), errors


# All but `::exec` were read-only before the checks looked past the parser (a command named
# at run time, a name in quotes or braces, a body tree-sitter reads as data, text run twice).
@pytest.mark.parametrize("script", [
    "set c exec; $c rm -rf /tmp/x\n",
    '"exec" rm -rf /tmp/x\n',
    "{exec} rm -rf /tmp/x\n",
    "::exec rm -rf /tmp/x\n",
    "e\\x78ec rm -rf /tmp/x\n",
    "\\u0065xec rm -rf /tmp/x\n",
    "[string cat ex ec] rm -rf /tmp/x\n",
    "{*}[list exec rm -rf /tmp/x]\n",
    "dict for {k v} $d {exec rm -rf /tmp/x}\n",
    "switch $x {a {exec rm -rf /tmp/x}}\n",
    'switch $x {a {"exec" rm -rf /tmp/x}}\n',
    "lsort -command {exec rm -rf /tmp/x} $l\n",
    "lsort -command $cmd $l\n",
    "foreach a {x} b {y} {exec rm -rf /tmp/x}\n",
    "proc exec {args} {}\nexec rm -rf /tmp/x\n",
    "proc run {s} {if 1 $s}\nrun {puts hi}\n",
    "set a {[ex}; set b {ec rm -rf /tmp/x]}; expr $a$b\n",
    "if {1} {puts a} else $code\n",
])
def test_tricks_that_hide_a_command_are_blocked(script):
    assert tcl_level(script)[0] == "blocked", tcl_level(script)


@pytest.mark.parametrize("script,level", [
    ("report_checks -path_delay max\nputs \"open paths: [llength [all_outputs]]\"\n", "read-only"),
    ("get_ports {clock}\nforeach p {read load} {puts $p}\n", "read-only"),
    ("for {set i 0} {$i < [llength [all_inputs]]} {incr i} {puts $i}\n", "read-only"),
    ("if {$x > 1} {puts a} elseif {$x} {puts b} else {puts c}\n", "read-only"),
    ("set_load 0.1 [all_outputs]\n", "modifying"),
    ("report_checks > /tmp/r.rpt\n", "modifying"),
    ("set env(PATH) /tmp\n", "modifying"),
    ("proc report_checks {args} {puts no}\n", "modifying"),
])
def test_plain_scripts_keep_their_level(script, level):
    assert tcl_level(script)[0] == level


def test_no_verified_example_is_blocked_except_those_that_use_file():
    """The example bank runs in sta; the stricter checks must not refuse what it teaches."""
    blocked = []
    for line in (REPO / "adapters" / "opensta" / "examples.jsonl").read_text().splitlines():
        example = json.loads(line)
        level, errors = tcl_level(example["script"])
        if level == "blocked":
            blocked.append((example["id"], errors))
    assert blocked and all("'file'" in e for _, errors in blocked for e in errors), blocked


@pytest.mark.parametrize("script", [
    "import os\nos.system('rm -rf /tmp/x')\n",
    "os.system('rm -rf /tmp/x')\n",  # the tool's namespace may already hold os
    "import subprocess\nsubprocess.run(['rm', '-rf', '/tmp/x'])\n",
    "subprocess.Popen('rm -rf /tmp/x', shell=True)\n",
    "import shutil\nshutil.rmtree('/tmp/x')\n",
    "shutil.rmtree('/tmp/x')\n",
    "from os import system as s\ns('ls')\n",
    "__builtins__['open']('/etc/passwd')\n",
    "design.evalTclString('exec rm -rf /tmp/x')\n",
    "design.evalTclString(cmd)\n",
])
def test_os_reaching_python_is_blocked(script):
    rules = classification_rules({"modify": ["read*", "write*", "evalTclString"]})  # openroad-python
    _, report = check_python(script, rules)
    assert report.level == "blocked", report.diagnostics


def write_policy(home, text: str):
    (home / "safety.toml").write_text(text, encoding="utf-8")


def test_a_team_policy_blocks_and_allows_with_a_clear_reason(copilot_home):
    from copilot.generate.workbench import open_workbench

    write_policy(copilot_home, 'blocked = ["write_*"]\nallowed = ["file join"]\n'
                               'note = "ask #sta-help first"\n'
                               '[tools.opensta]\nblocked = ["report_power"]\n')
    bench = open_workbench(AppContext.build(), "opensta", None)  # the path every entry point takes
    report = bench.check("write_verilog out.v\n")
    assert report.safety.level == "blocked"
    assert any("blocked by the team policy" in d.message and "ask #sta-help first" in d.message
               for d in report.diagnostics)
    assert bench.check("report_power\n").safety.level == "blocked"  # [tools.opensta]
    joined = bench.check("puts [file join a b]\n")
    assert joined.safety.level == "modifying"  # allowed, but never run unasked
    assert bench.check("file delete x\n").safety.level == "blocked"  # only `file join` was allowed
    assert bench.check("report_tns\n").safety.level == "read-only"
    # Python tools read the same file: module and call names.
    write_policy(copilot_home, 'blocked = ["design.writeDb"]\nallowed = ["pathlib"]\n')
    rules = classification_rules(load_profile("python3", AppContext.build().locations).commands)
    assert check_python("design.writeDb('x')\n", rules)[1].level == "blocked"
    assert check_python("import pathlib\nprint(pathlib.Path('a').name)\n", rules)[1].level == "modifying"


def test_a_shared_policy_file_comes_from_the_environment(copilot_home, tmp_path, monkeypatch):
    shared = tmp_path / "team-safety.toml"
    shared.write_text('blocked = ["report_tns"]\n')
    monkeypatch.setenv("COPILOT_SAFETY_POLICY", str(shared))
    profile = load_profile("opensta", AppContext.build().locations)
    assert static_safety("report_tns\n", profile).level == "blocked"


@pytest.mark.parametrize("text,needle", [
    ("blocked = 3\n", "'blocked' must be a list"),
    ("blocked = [\n", "not valid TOML"),
    ("block = []\n", "unknown key(s) block"),
])
def test_a_bad_policy_is_one_line_exit_2(copilot_home, text, needle):
    write_policy(copilot_home, text)
    out = subprocess.run([sys.executable, "-m", "copilot", "generate", "report tns", "--tool", "tclsh"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("level,valid,yes,allow,action", [
    ("read-only", True, False, False, ASK),
    ("read-only", True, True, False, RUN),
    ("read-only", False, True, False, ASK),
    ("modifying", True, True, False, ASK_TYPED),
    ("modifying", True, False, True, ASK_TYPED),
    ("modifying", True, True, True, RUN),
    ("blocked", True, True, True, REFUSE),
    ("unchecked", True, True, True, REFUSE),
    ("", True, True, True, REFUSE),
])
def test_the_one_rule(level, valid, yes, allow, action):
    assert decide(level, valid, yes, allow) == action


# -- entry points: copilot shell's dialog, the Python plugin, copilot.tcl, the TUI --------
class FakeService:
    """Hands the dialog a fixed result, as the script service would."""

    def __init__(self, script: str, safety: str) -> None:
        self.result = GenerationResult(script, "tcl", True, [], True, "", 1, 0.1, safety)

    def generate(self, request, repair=None):
        return self.result

    def close(self):
        pass


class FakeRun:
    def __init__(self):
        self.scripts: list[str] = []

    def __call__(self, script):
        from copilot.shells.result import RunResult

        self.scripts.append(script)
        return RunResult("", [], "ok", 0.01)


def dialog(app, tmp_path, script, safety, answers, yes=False, allow_modify=False):
    from copilot.toolshell.dialog import RequestDialog
    from copilot.toolshell.history import ShellHistory

    run = FakeRun()
    said: list[str] = []
    feed = iter(answers)
    d = RequestDialog(app, load_profile("opensta"), None, ShellHistory(tmp_path / "h.jsonl"), run,
                      yes=yes, allow_modify=allow_modify, read=lambda prompt: next(feed),
                      say=said.append)
    d._service = FakeService(script, safety)
    d.ask("??")
    return run.scripts, said


MODIFY = "set_load 0.1 [all_outputs]\n"


def test_shell_modifying_needs_a_typed_yes_even_with_yes(app, tmp_path):
    ran, said = dialog(app, tmp_path, MODIFY, "modifying", ["report it", "r", "y", "a"], yes=True)
    assert ran == [] and not any("--yes: running it" in s for s in said)
    ran, _ = dialog(app, tmp_path, MODIFY, "modifying", ["report it", "r", "yes"], yes=True)
    assert ran == [MODIFY]
    ran, said = dialog(app, tmp_path, MODIFY, "modifying", ["report it"], yes=True, allow_modify=True)
    assert ran == [MODIFY] and any("--yes: running it" in s for s in said)


def test_shell_never_runs_blocked_or_mislabelled_scripts(app, tmp_path):
    ran, said = dialog(app, tmp_path, "exec rm -rf /tmp/x\n", "blocked", ["rm it", "r", "a"],
                       yes=True, allow_modify=True)
    assert ran == [] and any("blocked:" in s for s in said)
    # A label that says read-only does not get an OS-reaching script through: the text is checked.
    ran, said = dialog(app, tmp_path, "exec rm -rf /tmp/x\n", "read-only", ["rm it", "r", "a"])
    assert ran == [] and any("blocked: the script is blocked" in s for s in said)


def test_python_plugin_follows_the_rule_and_rechecks_the_text(monkeypatch):
    from copilot import plugin

    plugin._local.clear()  # a fresh AppContext for this test's COPILOT_HOME
    ran: list[str] = []

    def offer(script, safety, **kwargs):
        monkeypatch.setattr(plugin, "_generate", lambda *a: GenerationResult(
            script, "tcl", True, [], True, "", 1, 0.1, safety))
        return plugin.copilot("x", run=True, evaluate=ran.append, quiet=True, tool="opensta", **kwargs)

    offer("report_tns\n", "read-only", yes=True, ask=lambda q: pytest.fail("asked"))
    assert ran == ["report_tns\n"]
    offer(MODIFY, "modifying", yes=True, ask=lambda q: "y")  # "y" is not a typed yes
    assert ran == ["report_tns\n"]
    offer(MODIFY, "modifying", yes=True, ask=lambda q: "yes")
    assert ran[-1] == MODIFY
    for script, safety in [("exec rm -rf /tmp/x\n", "blocked"), ("exec rm -rf /tmp/x\n", "read-only"),
                           ("report_tns\n", "unchecked")]:
        with pytest.raises(Exception, match="will not be run"):
            offer(script, safety, yes=True, ask=lambda q: "yes")
    assert ran[-1] == MODIFY


class FakeServer:
    """Speaks copilot serve's protocol on 127.0.0.1 and answers every generate with `result`."""

    def __init__(self, folder, result: dict) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        folder.mkdir(exist_ok=True)
        (folder / "endpoint").write_text(f"pid 1\nport {self.sock.getsockname()[1]}\n")
        (folder / "token").write_text("t\n")
        self.result = result
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                for line in f:
                    op = json.loads(line)["op"]
                    reply = {"ok": True, "op": op} if op == "hello" else {"ok": True, "op": op, "result": self.result}
                    f.write((json.dumps(reply) + "\n").encode())
                    f.flush()


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
@pytest.mark.parametrize("safety,stdin,expect", [
    ("modifying", "y\n", "ran=0"),          # -yes does not cover a design change; "y" is not "yes"
    ("modifying", "yes\n", "ran=1"),
    ("read-only", "", "ran=1"),             # -yes runs a valid read-only script unasked
    ("unchecked", "yes\n", "will not be run"),
    ("blocked", "yes\n", "reaches the operating system"),
])
def test_copilot_tcl_follows_the_rule(tmp_path, safety, stdin, expect):
    server = FakeServer(tmp_path / "server", {"script": "set ::ran 1", "valid": True, "ran": True,
                                              "diagnostics": [], "safety": safety})
    script = tmp_path / "t.tcl"
    script.write_text(f"source {REPO / 'adapters' / 'copilot.tcl'}\n"
                      f"set ::copilot::server_dir {tmp_path / 'server'}\nset ::ran 0\n"
                      "if {[catch {copilot -run -yes -quiet x} e]} {puts \"error: $e\"}\nputs ran=$::ran\n")
    try:
        out = subprocess.run(["tclsh", str(script)], input=stdin, capture_output=True, text=True, timeout=30)
    finally:
        server.sock.close()
    assert expect in out.stdout, out.stdout + out.stderr
    if expect.startswith(("will", "reaches")):
        assert "ran=0" in out.stdout


@needs_sta
async def test_tui_checks_the_text_itself_when_the_model_never_loaded(monkeypatch):
    """The TUI confirms every run in a dialog. With the model (and so the full checks) down,
    an OS-reaching script is still refused from its text, not offered as 'unchecked'."""
    pytest.importorskip("textual")
    from copilot.errors import ModelError
    from copilot.model import registry
    from copilot.tui.screens import ConfirmRun
    from test_tui_app import make_app, SIZE
    from tui_support import loaded, until

    def broken(app):
        raise ModelError("no model in this test")

    registry.register_backend("broken-for-test", broken)
    monkeypatch.setenv("COPILOT_BACKEND", "broken-for-test")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, "tool")
        pane = app.query_one("ScriptPane")
        pane.set_text("switch $x {a {exec rm -rf /tmp/x}}\n")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app._notifications, 60, "the refusal")
        assert any("blocked by policy" in (n.title or "") for n in app._notifications)
        assert not isinstance(app.screen, ConfirmRun)
        pane.set_text("report_tns\n")  # a read-only script is still offered, after a confirmation
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ConfirmRun), 30, "the confirmation")
        assert app.screen.safety == "read-only"


def test_generate_cli_has_no_way_to_run_in_a_user_session():
    """`copilot generate` tries candidates only in its own scratch session: no --run flag."""
    out = subprocess.run([sys.executable, "-m", "copilot", "generate", "--help"], capture_output=True,
                         text=True, timeout=60)
    assert "--run" not in out.stdout and "--yes" not in out.stdout and "scratch" in out.stdout


def test_diagnostic_for_a_blocked_script_names_the_line():
    report = assess_tcl(parse_tcl("report_tns\nputs [exec date]\n"), CATALOG, RULES)
    assert Diagnostic(2, "error", report.diagnostics[0].message, "safety") in report.diagnostics


def test_copilot_config_shows_the_policy_in_force(copilot_home):
    write_policy(copilot_home, 'blocked = ["write_*"]\n[tools.opensta]\nallowed = ["file join"]\n')
    out = subprocess.run([sys.executable, "-m", "copilot", "config", "--json"], capture_output=True,
                         text=True, timeout=60)
    policy = json.loads(out.stdout)["safety_policy"]
    assert policy["exists"] and policy["blocked"] == ["write_*"]
    assert policy["tools"] == {"opensta": {"blocked": [], "allowed": ["file join"]}}
