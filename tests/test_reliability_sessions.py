"""Session safety: the user's tool session outlives anything that happens to the copilot.

Candidates are tried in a scratch tool process, never in the user's. These tests kill that
scratch process in the middle of a validation run (real sta, real tclsh) and check that the
user's own session - TUI workspace, `copilot shell`'s live tool, a tool running the Tcl
plugin - is the same process with the same state. A copilot that fails or hangs ends the
request, not the tool.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, FakeModel, have, needs_sta
from copilot.context import AppContext
from copilot.shells.profile import load_profile

DEMO = load_profile("opensta").demo_setup_path()
SPIN = "while 1 {}\n"  # read-only, valid, and never ends: a validation run to kill


def kill_when_running(session, started: threading.Event | None = None) -> int:
    """SIGKILL the scratch session's process once a script is running in it; its pid."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        child = session._child
        if child is not None and child.isalive() and (started is None or started.is_set()):
            time.sleep(0.5)  # let the script get going
            os.kill(child.pid, signal.SIGKILL)
            return child.pid
        time.sleep(0.05)
    raise AssertionError("the scratch session never ran the script")


def trial_in_thread(bench, script: str) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(result=bench.trial(script, modifying=False)))
    thread.start()
    return thread, out


@needs_sta
def test_killing_sta_during_validation_leaves_the_tui_session_intact(monkeypatch):
    from copilot.tui.workspace import Workspace

    monkeypatch.setenv("COPILOT_TIMEOUT", "30")
    ws = Workspace(AppContext.build(), "opensta", DEMO, model=FakeModel(["report_tns\n"]))
    try:
        mine = ws.session()
        assert ws.run("set precious 42").status == "ok"
        bench = ws.service().generator.bench
        assert bench.session is not mine and bench.session._child.pid != mine._child.pid
        thread, out = trial_in_thread(bench, SPIN)
        killed = kill_when_running(bench.session)
        thread.join(30)
        assert not thread.is_alive() and out["result"].status == "crashed"
        # The user's sta: same process, design and variables as before.
        assert mine._child.pid != killed and mine.alive
        assert ws.run("puts $precious").output.strip() == "42"
        assert ws.run("puts [llength [get_ports *]]").output.strip() == "35"
        # The scratch session came back (setup replayed) for the next candidate.
        assert bench.session._child.pid != killed
        assert bench.trial("report_tns\n", modifying=False).status == "ok"
    finally:
        ws.close()


@needs_sta
def test_killing_sta_during_validation_leaves_the_copilot_shell_tool_intact(tmp_path, app, monkeypatch):
    from copilot.generate.service import ScriptService
    from copilot.toolshell.live_tool import LiveTool

    monkeypatch.setenv("COPILOT_TIMEOUT", "30")
    app = AppContext.build()
    profile = load_profile("opensta")
    live = LiveTool(profile, "sta", list(profile.interactive_args()), dict(os.environ, TERM="dumb"),
                    tmp_path / "live", 30.0, (50, 200))
    live.start()
    service = ScriptService(app, "opensta", DEMO, model=FakeModel(["report_tns\n"]))
    try:
        assert live.load_setup(DEMO).status == "ok"
        assert live.run_script("set precious 42").status == "ok"
        pid = live.child.pid
        bench = service.generator.bench
        thread, out = trial_in_thread(bench, SPIN)
        kill_when_running(bench.session)
        thread.join(30)
        assert out["result"].status == "crashed"
        assert live.alive and live.child.pid == pid
        assert live.run_script("puts $precious").output.split()[0] == "42"  # then the prompt
    finally:
        service.close()
        live.kill()


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
def test_killing_the_servers_scratch_tool_leaves_the_plugin_users_tool_intact(serve, tmp_path):
    """A tclsh running copilot.tcl asks `copilot serve`; the server's scratch tclsh is killed
    while it tries the candidate. The user's tclsh gets an answer and keeps its state."""
    setup = tmp_path / "setup.tcl"
    setup.write_text("set loaded 1\n")
    server = serve([SPIN], "--tool", "tclsh", "--setup", str(setup))
    env = dict(server.env, COPILOT_TIMEOUT="30")
    user = tmp_path / "user.tcl"
    user.write_text(f"source {REPO / 'adapters' / 'copilot.tcl'}\nset precious 42\n"
                    "puts \"pid [pid]\"; flush stdout\n"
                    "catch {copilot -quiet \"spin\"} e\nputs \"reply: $e\"\n"
                    "puts \"precious $precious\"\n")
    proc = subprocess.Popen(["tclsh", str(user)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        scratch = _scratch_pid(server.proc.pid, exclude={proc.pid})
        time.sleep(1.0)  # the candidate is spinning in the scratch tclsh now
        os.kill(scratch, signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "reply: while 1 {}" in out  # the (crashed) candidate came back; the tool went on
    assert "precious 42" in out
    # The server is still up and its scratch session works again.
    from copilot.server.client import ServerClient

    with ServerClient.connect(AppContext.build(environ=env).locations.server_dir) as client:
        assert client.call("check", script="puts ok\n")["result"]["safety"] == "read-only"


def _scratch_pid(server_pid: int, exclude: set[int], timeout: float = 20.0) -> int:
    """The pid of the tool the server started (a child of the server process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
        for pid in map(int, kids):
            if pid not in exclude and "tclsh" in Path(f"/proc/{pid}/comm").read_text():
                return pid
        time.sleep(0.1)
    raise AssertionError("copilot serve started no scratch tclsh")


@pytest.fixture
def serve(tmp_path):
    from test_server import Served, served_env

    started = []

    def start(answers, *args):
        env = dict(served_env(tmp_path, answers), COPILOT_TIMEOUT="30", COPILOT_ATTEMPTS="1")
        server = Served(env, *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_a_failing_copilot_ends_the_request_not_the_shell(tmp_path, app):
    """Any exception in the ?? dialog (a bug, a dead backend) is reported on one line; the
    dialog returns normally, so `copilot shell` never tears down the user's tool."""
    from copilot.toolshell.dialog import RequestDialog
    from copilot.toolshell.history import ShellHistory

    class Broken:
        def generate(self, request, repair=None):
            raise RuntimeError("llama_decode returned -3")

        def close(self):
            pass

    said: list[str] = []
    history = ShellHistory(tmp_path / "h.jsonl")
    dialog = RequestDialog(app, load_profile("tclsh"), None, history, run=lambda s: None,
                           read=lambda prompt: "anything", say=said.append)
    dialog._service = Broken()
    dialog.ask("??")  # must not raise
    assert any("internal error (RuntimeError: llama_decode returned -3)" in s
               and "session is untouched" in s for s in said)
    assert history.entries()[-1]["kind"] == "error"
    assert "RuntimeError" in (app.locations.logs_dir / "shell.log").read_text()


def test_a_history_that_cannot_be_written_never_reaches_the_tool_session(tmp_path):
    from copilot.toolshell.history import ShellHistory

    path = tmp_path / "tclsh.jsonl"
    history = ShellHistory(path)
    path.mkdir()  # as unwritable as a full disk, even for root
    history.add("typed", text="puts hi")  # must not raise
    assert "tclsh.jsonl" in history.error


def test_shell_history_survives_a_torn_line_and_concurrent_writers(tmp_path):
    from copilot.toolshell.history import ShellHistory

    path = tmp_path / "sta.jsonl"
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from copilot.toolshell.history import ShellHistory\n"
            "h = ShellHistory(__import__('pathlib').Path(%r))\n"
            "for i in range(200): h.add('typed', text=sys.argv[1] * 5000, n=i)\n") % (str(REPO), str(path))
    procs = [subprocess.Popen([os.sys.executable, "-c", code, c]) for c in "ab"]
    for p in procs:
        assert p.wait(60) == 0
    with path.open("a") as f:
        f.write('{"time": 1, "kind": "typed", "text": "cut sho')  # killed mid-write
    entries = ShellHistory(path).entries()
    assert len(entries) == 400  # every line whole: no interleaving of 5 kB lines
    assert {e["text"][0] for e in entries} == {"a", "b"}
    assert all(len(set(e["text"])) == 1 for e in entries)
    json.dumps(entries)


@pytest.mark.skipif(not (have("tmux") and have("tclsh")), reason="tmux and tclsh needed")
@pytest.mark.parametrize("backend", ["broken", "hanging"])
def test_copilot_shell_tool_outlives_a_failing_or_hanging_copilot(tmp_path, backend):
    """In a real terminal: state typed into tclsh survives a copilot that raises mid-request,
    or one that hangs until the user presses Ctrl-C."""
    import sys

    from test_server import served_env
    from test_shell_e2e import Tmux

    env = dict(served_env(tmp_path, ["unused"]), COPILOT_BACKEND=f"fake_backend:{backend}")
    shell = Tmux(tmp_path, env, [sys.executable, "-m", "copilot", "shell", "--tool", "tclsh"])
    try:
        shell.wait_for("[copilot] type ??")
        shell.keys("set precious 42; puts \"PID-[pid]-END\"", "Enter")
        deadline = time.monotonic() + 30
        while not (found := re.search(r"PID-(\d+)-END", shell.screen())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found, shell.screen()
        pid = found.group(1)
        shell.keys("??report everything", "Enter")
        if backend == "broken":
            shell.wait_for("internal error (RuntimeError: llama_decode returned -3)")
        else:
            shell.wait_for("writing a script")
            time.sleep(1.0)
            shell.keys("C-c")
            shell.wait_for("[copilot] aborted.")
        shell.keys("puts \"still=$precious pid=[pid]\"", "Enter")
        shell.wait_for(f"still=42 pid={pid}")
        shell.keys("exit", "Enter")
        shell.wait_for("SHELL-EXIT=0")
    finally:
        shell.close()
