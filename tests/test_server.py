"""`copilot serve`, its clients, and the plugins inside real sta, tclsh and python3."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO, have, needs_sta
from copilot.errors import ServerError
from copilot.server.client import ServerClient
from copilot.server.protocol import MAX_LINE, ServerFiles, decode, encode

PLUGIN = REPO / "adapters" / "copilot.tcl"
GOOD = "report_checks -path_delay max -group_count 1\n# End\n"


def served_env(tmp_path, answers: list[str]) -> dict[str, str]:
    """Environment for copilot processes that use the fake model (tests/fake_backend.py)."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    return dict(os.environ, PYTHONPATH=str(REPO / "tests"), COPILOT_BACKEND="fake_backend:build",
                COPILOT_FAKE_ANSWERS=str(path))


class Served:
    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-m", "copilot", "serve", *args],
                                     env=env, stderr=subprocess.PIPE, text=True)
        self.log: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.log.append(line)
            if "ready on" in line:
                return
        raise AssertionError("server did not start:\n" + "".join(self.log))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)


@pytest.fixture
def serve(tmp_path, app):
    started: list[Served] = []

    def start(answers: list[str], *args: str) -> Served:
        server = Served(served_env(tmp_path, answers), *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def cli(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "copilot", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


@needs_sta
def test_generate_check_status_and_cli_use_the_warm_server(serve, app, tmp_path):
    server = serve([GOOD], "--setup", "demo")
    with ServerClient.connect(app.locations.server_dir) as client:
        result = client.call("generate", request="worst setup path")["result"]
        assert result["valid"] and result["ran"] and "slack (VIOLATED)" in result["output"]
        assert result["safety"] == "read-only"
        check = client.call("check", script="exec rm -rf /tmp/x\n")["result"]
        assert check["safety"] == "blocked"
        with pytest.raises(ServerError, match="request' must be a non-empty string"):
            client.call("generate", request="  ")
        assert client.call("status")["result"]["requests"] == 3
    # A CLI whose own backend cannot load still answers: it used the server.
    env = dict(server.env, COPILOT_BACKEND="no_such_module:build")
    out = cli(env, "generate", "worst setup path", "--setup", "demo", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["script"].startswith("report_checks -path_delay max")
    status = cli(env, "serve", "--status")
    assert "requests" not in status.stdout and "4 request(s)" in status.stdout


def test_second_server_is_refused_and_stale_files_are_cleared(serve, app):
    first = serve([GOOD], "--no-tcp")
    again = cli(first.env, "serve", "--no-tcp")
    assert again.returncode == 2 and "server already running" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    first.proc.kill()  # leaves its socket and endpoint behind
    first.proc.wait()
    assert ServerFiles(app.locations.server_dir).endpoint.exists()
    second = serve([GOOD], "--no-tcp")
    assert any("removing stale files" in line for line in second.log)
    stopped = cli(second.env, "serve", "--stop")
    assert "stopped pid" in stopped.stdout
    second.proc.wait(10)
    assert not ServerFiles(app.locations.server_dir).endpoint.exists()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5"])
def test_other_addresses_are_refused(tmp_path, host):
    out = cli(served_env(tmp_path, [GOOD]), "serve", "--host", host)
    assert out.returncode == 2 and "this machine" in out.stderr and "Traceback" not in out.stderr


def test_protocol_token_and_size_limits(serve, app):
    serve([GOOD])
    with pytest.raises(ServerError, match="protocol 2.*speaks 1.*plugin-path"):
        ServerClient.connect(app.locations.server_dir, protocol=2)
    files = ServerFiles(app.locations.server_dir)
    port = int(files.read_endpoint()["port"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        sock.sendall(encode({"op": "hello", "protocol": 1, "token": "guess"}))
        assert "wrong or missing token" in decode(reader.readline())["error"]["message"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = sock.makefile("rb")
        sock.sendall(encode({"op": "hello", "protocol": 1, "token": files.read_token()}))
        assert decode(reader.readline())["ok"]
        sock.sendall(b"x" * (MAX_LINE + 10) + b"\n")
        assert "longer than" in decode(reader.readline())["error"]["message"]
        sock.sendall(b"not json\n")
        assert "not one line of UTF-8 JSON" in decode(reader.readline())["error"]["message"]
        sock.sendall(encode({"op": "status"}))
        assert decode(reader.readline())["ok"]  # the connection survived the bad lines


@needs_sta
def test_copilot_tcl_inside_real_sta_asks_and_evaluates(serve, app, tmp_path):
    import pexpect

    serve([GOOD], "--setup", "demo")
    setup = REPO / "adapters" / "opensta" / "demo" / "setup.tcl"
    sta = pexpect.spawn("sta", ["-no_init", "-no_splash"], cwd=str(tmp_path), encoding="utf-8",
                        env=dict(os.environ, TERM="dumb"), dimensions=(50, 4000), timeout=20)
    try:
        sta.expect_exact("OpenSTA> ")
        sta.sendline(f"builtin_source {setup}; source {PLUGIN}")
        sta.expect_exact("OpenSTA> ")
        sta.sendline('set s [copilot -quiet "report the worst setup path"]; puts "<$s>"')
        sta.expect(r"<report_checks -path_delay max[^\r\n]*\r*\n>")
        sta.expect_exact("OpenSTA> ")
        sta.sendline('copilot -run "report the worst setup path"')
        sta.expect_exact("Run it? [y/N] ")
        sta.sendline("y")
        sta.expect_exact("slack (VIOLATED)")  # the report of the user's own sta
        sta.expect_exact("OpenSTA> ")
        sta.sendline('copilot -explain "report_checks -path_delay min"')
        sta.expect("Reports the worst timing paths")
        sta.expect_exact("OpenSTA> ")
    finally:
        sta.close(force=True)


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
def test_copilot_tcl_in_tclsh_refuses_blocked_scripts_and_reports_no_server(serve, app, tmp_path):
    script = tmp_path / "t.tcl"
    script.write_text(f"source {PLUGIN}\n"
                      "catch {copilot -quiet \"anything\"} e; puts \"1:$e\"\n")
    out = subprocess.run(["tclsh", str(script)], capture_output=True, text=True, timeout=30)
    assert "1:copilot: no server running" in out.stdout and "copilot serve" in out.stdout
    serve(["exec rm -rf /tmp/nothing\n"], "--tool", "tclsh")  # no example bank: the model's script
    script.write_text(f"source {PLUGIN}\n"
                      "catch {copilot -run -yes \"clean up\"} e; puts \"2:$e\"\n"
                      "puts 3:[copilot -quiet \"clean up\"]\n")
    out = subprocess.run(["tclsh", str(script)], capture_output=True, text=True, timeout=30)
    assert "2:copilot: the script reaches the operating system" in out.stdout
    assert "3:exec rm -rf /tmp/nothing" in out.stdout


def test_python_plugin_uses_the_server_and_runs_after_confirmation(serve, app):
    server = serve(["puts hello\n"], "--tool", "tclsh")
    code = ("from copilot.plugin import copilot\n"
            "s = copilot('say hello', quiet=True)\nprint('GOT', repr(s))\n"
            "ran = []\n"
            "copilot('say hello', run=True, evaluate=ran.append, ask=lambda q: 'y')\n"
            "copilot('say hello', run=True, evaluate=ran.append, ask=lambda q: 'n')\n"
            "print('RAN', ran)\n")
    env = dict(server.env, COPILOT_BACKEND="no_such_module:build")  # must come from the server
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "GOT 'puts hello\\n'" in out.stdout and "RAN ['puts hello\\n']" in out.stdout


@needs_sta
@pytest.mark.slow
def test_real_model_through_the_server_and_the_tcl_plugin(real_model_home, tmp_path):
    """The embedded model behind `copilot serve`: the plugin gets a script, the CLI reuses it."""
    server = Served(dict(os.environ), "--setup", "demo")
    try:
        script = tmp_path / "ask.tcl"
        script.write_text(f"source {PLUGIN}\nputs <[copilot -quiet \"report the worst setup path\"]>\n")
        out = subprocess.run(["tclsh", str(script)], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("<") and out.stdout.strip("<>\n").strip()
        cli_out = cli(dict(os.environ), "generate", "report the worst hold path", "--setup", "demo", "--json")
        assert cli_out.returncode == 0, cli_out.stderr
        assert set(json.loads(cli_out.stdout)) >= {"script", "valid", "ran"}
        status = cli(dict(os.environ), "serve", "--status").stdout
        assert "2 request(s)" in status
    finally:
        server.stop()


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
def test_copilot_tcl_gives_up_on_a_server_that_does_not_answer(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "endpoint").write_text(f"pid {os.getpid()}\nport {silent.getsockname()[1]}\n")
    (folder / "token").write_text("t\n")
    script = tmp_path / "t.tcl"
    script.write_text(f"source {PLUGIN}\nset ::copilot::server_dir {folder}\n"
                      "set ::copilot::timeout_ms 1000\ncatch {copilot -quiet x} e\nputs $e\n")
    try:
        out = subprocess.run(["tclsh", str(script)], capture_output=True, text=True, timeout=30)
    finally:
        silent.close()
    assert "no answer from copilot serve within 1 s" in out.stdout
