"""The 'openai' backend against a stub server: one clear line per failure, retries, streams, fields."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copilot.context import AppContext
from copilot.errors import BackendError
from copilot.model.openai_backend import build
from openai_stub import Behaviour, StubServer

REPO = Path(__file__).resolve().parent.parent


def remote(home: Path, url: str, **settings) -> AppContext:
    env = {"COPILOT_HOME": str(home), "COPILOT_BACKEND": "openai", "COPILOT_BASE_URL": url,
           "COPILOT_REMOTE_RETRIES": "0"}
    env.update({f"COPILOT_{k.upper()}": str(v) for k, v in settings.items() if k != "environ"})
    env.update(settings.get("environ", {}))
    return AppContext.build(environ=env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(app: AppContext, **kwargs):
    return build(app).complete("# Request: worst path\n", max_tokens=16, **kwargs)


def test_server_down_is_one_line(tmp_path):
    app = remote(tmp_path, f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(BackendError, match=r"^the model server at http://127\.0\.0\.1:\d+/v1 is not "
                                           r"running \(connection refused\); start it, or fix base_url\.$"):
        ask(app)


def test_wrong_url_says_what_base_url_must_be(tmp_path):
    with StubServer(Behaviour()) as url:
        app = remote(tmp_path, url.replace("/v1", "/api"))
        with pytest.raises(BackendError, match=r"/api/v1/models does not exist \(HTTP 404\): base_url must be"):
            ask(app)
        assert build(remote(tmp_path, url.replace("/v1", ""))).complete("x", max_tokens=4).text  # /v1 added


def test_bad_key_is_refused_and_keys_come_from_env_or_file(tmp_path):
    with StubServer(Behaviour(key="sekret")) as url:
        with pytest.raises(BackendError, match=r"refused the API key \(HTTP 401: Invalid API key\); put the "
                                               r"right key in the env var named by api_key_env"):
            ask(remote(tmp_path, url))
        with pytest.raises(BackendError, match="refused the API key"):
            ask(remote(tmp_path, url, environ={"COPILOT_API_KEY": "wrong"}))
        assert ask(remote(tmp_path, url, environ={"COPILOT_API_KEY": "sekret"})).text == "report_checks\n# End"
        assert ask(remote(tmp_path, url, api_key_env="TEAM_KEY", environ={"TEAM_KEY": "sekret"})).finish_reason == "stop"
        key_file = tmp_path / "key"
        key_file.write_text("sekret\n")
        assert ask(remote(tmp_path, url, api_key_file=key_file)).text
        with pytest.raises(BackendError, match=r"api_key_file .*missing cannot be read"):
            ask(remote(tmp_path, url, api_key_file=tmp_path / "missing"))


def test_no_command_takes_a_key_on_the_command_line():
    from click.testing import CliRunner

    from copilot.cli import cli

    for command in ("generate", "ask", "explain", "doctor", "serve", "tui"):
        text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "--api-key" not in text and "--key" not in text, command


def test_model_mismatch_lists_the_servers_models(tmp_path):
    with StubServer(Behaviour(models=["team-7b", "team-7b-instruct"])) as url:
        with pytest.raises(BackendError, match=r"has no model 'llama-70b'; it serves: team-7b, team-7b-instruct\. "
                                               r"Set remote_model to one of them\.$"):
            ask(remote(tmp_path, url, remote_model="llama-70b"))
        model = build(remote(tmp_path, url))
        assert model.name == "team-7b" and not model.is_chat  # the first; a base name
        assert build(remote(tmp_path, url, remote_model="team-7b-instruct")).is_chat


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_tls_errors_say_what_to_fix(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    with StubServer(Behaviour(), certificate=(cert, key)) as url:
        with pytest.raises(BackendError, match=r"^TLS to the model server at https://.*CERTIFICATE_VERIFY_FAILED"
                                               r".*set remote_ca to the CA bundle"):
            ask(remote(tmp_path, url))
        assert ask(remote(tmp_path, url, remote_ca=cert)).text  # a private CA, trusted
        with pytest.raises(BackendError, match=r"server speaks TLS|broke off|TLS"):
            ask(remote(tmp_path, url.replace("https", "http")))
    with StubServer(Behaviour()) as url:
        with pytest.raises(BackendError, match=r"^TLS .*: the server speaks plain http: use http:// in base_url\.$"):
            ask(remote(tmp_path, url.replace("http", "https")))


def test_a_silent_server_times_out(tmp_path):
    with StubServer(Behaviour(delay=2.0)) as url:
        began = time.monotonic()
        with pytest.raises(BackendError, match=r"sent nothing for 0\.5 s \(completions\); it may be "
                                               r"overloaded: raise remote_timeout"):
            ask(remote(tmp_path, url, remote_timeout=0.5))
        assert time.monotonic() - began < 1.8


def test_busy_server_is_retried_with_backoff_then_given_up(tmp_path):
    behaviour = Behaviour(unavailable=2)
    with StubServer(behaviour) as url:
        began = time.monotonic()
        assert ask(remote(tmp_path, url, remote_retries=2)).text == "report_checks\n# End"
        assert time.monotonic() - began >= 0.5 + 1.0  # two waits: 0.5 s, then 1 s
        behaviour.unavailable = 5
        with pytest.raises(BackendError, match=r"answered models with HTTP 503: busy$"):
            ask(remote(tmp_path, url, remote_retries=1))


def test_stream_cut_without_finish_reason_is_an_error(tmp_path):
    with StubServer(Behaviour(finish=None)) as url:
        with pytest.raises(BackendError, match=r"ended the answer without a finish reason .*--interrupt_requests False"):
            ask(remote(tmp_path, url))


def test_until_closes_the_stream_and_tokens_stream_in_order(tmp_path):
    behaviour = Behaviour(pieces=[f"line {n}\n" for n in range(60)], delay=0.02)
    with StubServer(behaviour) as url:
        seen: list[str] = []
        began = time.monotonic()
        got = ask(remote(tmp_path, url), on_token=seen.append, until=lambda text: text.count("\n") >= 3)
        assert got.text == "line 0\nline 1\nline 2\n" and seen == ["line 0\n", "line 1\n", "line 2\n"]
        assert got.finish_reason == "until" and time.monotonic() - began < 1.0
        assert behaviour.disconnected.wait(5), "the server kept streaming after the client closed"


def test_request_fields_follow_the_server_kind(tmp_path):
    behaviour = Behaviour()
    with StubServer(behaviour) as url:
        ask(remote(tmp_path, url), stop=["# End", "# Request:", "\n\n\n", "a", "b"], grammar="root ::= \"x\"", seed=7)
        sent = behaviour.requests[-1]
        assert sent["model"] == "stub-model" and sent["stream"] is True and sent["seed"] == 7
        assert sent["stop"] == ["# End", "# Request:", "\n\n\n", "a"]  # a plain OpenAI server takes 4
        assert "grammar" not in sent and "top_k" not in sent  # unknown server: standard fields only
        ask(remote(tmp_path, url, remote_grammar="llama"), grammar="root ::= \"x\"")
        assert behaviour.requests[-1]["grammar"] == "root ::= \"x\""
        ask(remote(tmp_path, url, remote_grammar="vllm"), grammar="root ::= \"x\"")
        assert behaviour.requests[-1]["guided_grammar"] == "root ::= \"x\""  # version unknown: the old name
    behaviour = Behaviour(owned_by="llamacpp")
    with StubServer(behaviour) as url:
        ask(remote(tmp_path, url), grammar="root ::= \"x\"")
        sent = behaviour.requests[-1]
        assert sent["grammar"] == "root ::= \"x\"" and sent["top_k"] == 1 and sent["repeat_penalty"] == 1.0


def test_chat_models_get_the_chat_endpoint_from_the_pipeline(tmp_path, app):
    from copilot.generate.examples import Example, ExampleBank
    from copilot.generate.pipeline import Generator
    from copilot.generate.workbench import open_workbench

    behaviour = Behaviour(models=["team-coder-instruct"], pieces=["```tcl\n", "report_tns -digits 3\n", "```\n"])
    with StubServer(behaviour) as url:
        model = build(remote(tmp_path, url))
        bank = ExampleBank([Example("ex-1", "tns please", "report_tns")])
        result = Generator(model, bank, open_workbench(app, "opensta", None), app.settings).generate("tns with 3 digits")
    sent = behaviour.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["messages"][0]["role"] == "system"
    assert sent["messages"][1:] == [{"role": "user", "content": "tns please"},
                                    {"role": "assistant", "content": "```tcl\nreport_tns\n```"},
                                    {"role": "user", "content": "tns with 3 digits"}]
    assert "\n```\n" in sent["stop"] and result.script == "report_tns -digits 3\n" and result.valid


def test_doctor_names_the_server_and_notes_a_grammar_it_cannot_take(tmp_path):
    from copilot.health import run_checks

    with StubServer(Behaviour()) as url:
        checks = {c.name: c for c in run_checks(remote(tmp_path, url, grammar="true"))}
    server = checks["model server"]
    assert server.status == "ok" and f"openai ? at {url}; model stub-model (completions); 1-token request" in server.detail
    assert checks["grammar"].status == "warn" and "takes no GBNF grammar: decoding is unconstrained; the checks " \
                                                  "and repair loop still run locally" in checks["grammar"].detail
    assert checks["llama.cpp"].detail.startswith("not used")


def test_cli_reports_a_down_server_in_one_line(tmp_path):
    env = {"COPILOT_HOME": str(tmp_path), "COPILOT_BACKEND": "openai", "PATH": "/usr/bin:/bin",
           "COPILOT_BASE_URL": f"http://127.0.0.1:{free_port()}", "COPILOT_REMOTE_RETRIES": "0",
           "COPILOT_USE_SERVER": "false"}
    proc = subprocess.run([sys.executable, "-m", "copilot", "generate", "--json", "report", "tns"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not running (connection refused); start it, or fix base_url." in lines[0]


def test_doctor_pings_a_chat_model_through_the_chat_endpoint(tmp_path):
    from copilot.health import run_checks

    behaviour = Behaviour(models=["team-coder-instruct"], owned_by="llamacpp", pieces=["Hi"])
    with StubServer(behaviour) as url:
        checks = {c.name: c for c in run_checks(remote(tmp_path, url))}
    assert "model team-coder-instruct (chat endpoint)" in checks["model server"].detail
    assert [r["path"] for r in behaviour.requests] == ["/v1/chat/completions"]
    assert "chat models are not constrained" in checks["grammar"].detail
