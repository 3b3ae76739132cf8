"""Team setup for real: `python -m llama_cpp.server` with the embedded model and `chroma run`
on 127.0.0.1, against the local path (embedded model, local store) with the same inputs.

Greedy decoding of the same GGUF by the same llama.cpp build gives the same tokens, so the
JSON of generate, ask and explain must match the local path exactly (timings aside).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from copilot.cli import cli
from copilot.model.embedded import ensure_default_model
from test_docs_store import make_docs

pytestmark = pytest.mark.slow
MODEL_NAME = "gemma3-270m-q4_k_m.gguf"
THREADS = "2"  # the same on both sides; llama.cpp splits work by thread count
SCRIPT = """create_clock -name clk -period 10 [get_ports clk]
foreach p [all_outputs] {
  puts [get_full_name $p]
}
report_checks -path_delay min
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, probe, what: str, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            if probe():
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{what} did not start within {limit:.0f} s (exit code {proc.poll()})")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def model_file(shared_model_dir) -> Path:
    return ensure_default_model(shared_model_dir / MODEL_NAME)


@pytest.fixture(scope="module")
def llama_server(model_file, tmp_path_factory):
    """llama-cpp-python's own server on a free port, serving the model under its file name."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_file),
                                 "--model_alias", MODEL_NAME, "--host", "127.0.0.1", "--port", str(port),
                                 "--n_ctx", "4096", "--n_threads", THREADS, "--interrupt_requests", "False",
                                 "--verbose", "False"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_up(proc, lambda: httpx.get(f"{url}/models", timeout=2).status_code == 200, "llama_cpp.server")
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """`chroma run` on a free port with a temp store."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma executable is not installed")
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = subprocess.Popen([str(chroma if chroma.exists() else shutil.which("chroma")), "run", "--path",
                             str(root / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, lambda: httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200, "chroma run")
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    return make_docs(tmp_path_factory.mktemp("team-docs") / "docs")


def run(args: list[str], env: dict[str, str]):
    """One CLI command in-process; returns its parsed JSON stdout."""
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def local_store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("local-store") / "store"


@pytest.fixture(scope="module")
def derived_caches(tmp_path_factory) -> Path:
    """Catalogs and example/BM25 caches shared by this module's homes (each is keyed by what
    it was derived from, so sharing only saves rebuilding them per test)."""
    return tmp_path_factory.mktemp("derived")


@pytest.fixture
def sides(real_model_home, llama_server, chroma_server, local_store, derived_caches):
    """(local env, team env): the same user, embedded model + local store vs the two servers."""
    for name in ("catalogs", "cache"):
        (derived_caches / name).mkdir(exist_ok=True)
        (real_model_home / "data" / name).symlink_to(derived_caches / name, target_is_directory=True)
    local = {"COPILOT_USE_SERVER": "false", "COPILOT_THREADS": THREADS, "COPILOT_STORE": str(local_store)}
    team = {"COPILOT_USE_SERVER": "false", "COPILOT_BACKEND": "openai", "COPILOT_BASE_URL": llama_server,
            "COPILOT_CHROMA_URL": chroma_server}
    return local, team


def without_seconds(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "seconds"}


@pytest.mark.parametrize("grammar", ["false", "true"])
def test_generate_through_the_model_server_matches_local(sides, grammar):
    from copilot.context import AppContext
    from copilot.generate.service import ScriptService

    request = "report the 3 worst setup paths"
    results, streamed = [], []
    for env in sides:
        app = AppContext.build(environ={**os.environ, **env, "COPILOT_GRAMMAR": grammar,
                                        "COPILOT_ATTEMPTS": "1"})
        service = ScriptService(app, "opensta", None)
        pieces: list[str] = []
        try:
            results.append(service.generate(request, on_token=pieces.append))
        finally:
            service.close()
        streamed.append("".join(pieces))
    local, team = results
    assert streamed[0].strip(), "the model wrote nothing: the comparison would prove nothing"
    assert streamed[1] == streamed[0]  # the model's own tokens, before any example or check
    assert without_seconds(team.to_json()) == without_seconds(local.to_json())
    assert set(team.to_json()) == {"script", "language", "valid", "diagnostics", "ran", "output", "attempts",
                                   "seconds"}


def test_the_server_applies_a_grammar(sides, llama_server):
    from copilot.context import AppContext
    from copilot.model.registry import load_model

    model = load_model(AppContext.build(environ={**os.environ, **sides[1]}))
    free = model.complete("# Tcl\nset x", max_tokens=8)
    forced = model.complete("# Tcl\nset x", max_tokens=8, grammar='root ::= "abc" [0-9]+')
    assert not free.text.startswith("abc") and forced.text.startswith("abc") and forced.text[3:].isdigit()


def test_index_search_ask_through_chroma_and_the_model_server_match_local(sides, docs):
    local, team = sides
    question = ["how", "do", "I", "twist", "the", "bits", "of", "a", "value", "twice"]
    outputs = []
    for env in (local, team):
        report = run(["index", "--json", str(docs)], env)
        assert report["added"] + report["unchanged"] == 4 and not report["skipped"]
        hits = run(["search", "--json", "-k", "3", "frobnicate", "twice"], env)
        answer = run(["ask", "--json", *question], env)
        outputs.append((hits, answer))
    (local_hits, local_answer), (team_hits, team_answer) = outputs
    assert team_hits == local_hits and team_hits[0]["source"].endswith("frobnicate.n.gz")
    assert team_answer["answer"].startswith("According to [") and len(team_answer["answer"]) > 20
    assert team_answer == local_answer
    again = run(["index", "--json", str(docs)], team)  # a second engineer's refresh: nothing to do
    assert again["unchanged"] == 4 and again["added"] == 0


def test_explain_cites_the_shared_index_and_narrates_through_the_server(sides, docs, tmp_path):
    local, team = sides
    script = tmp_path / "constraints.tcl"
    script.write_text(SCRIPT, encoding="utf-8")
    results = []
    for env in (local, team):
        run(["index", "--json", str(docs)], env)
        results.append(run(["explain", "--json", str(script)], env))
    local_json, team_json = results
    sources = [s for line in team_json["lines"] for s in line["sources"]]
    assert any(s.startswith("docs: ") and "manual.pdf" in s for s in sources), sources  # from chroma run
    assert any(s == f"model: {MODEL_NAME} (unverified)" for s in sources), sources  # through the server
    assert team_json == local_json


def test_tui_chat_answers_from_the_shared_index(sides, docs):
    from copilot.context import AppContext
    from copilot.tui.workspace import Workspace

    local, team = sides
    answers = []
    for env in (local, team):
        run(["index", "--json", str(docs)], env)
        workspace = Workspace(AppContext.build(environ={**os.environ, **env}))
        try:
            pieces: list[str] = []
            answer = workspace.ask("What does the frobnicate command do?", on_token=pieces.append)
        finally:
            workspace.close()
        assert "".join(pieces).strip() == answer.text
        answers.append(answer.to_json())
    assert answers[1] == answers[0] and answers[1]["sources"][0]["source"].endswith("frobnicate.n.gz")


def test_doctor_shows_both_servers_with_versions_and_latency(sides, llama_server, chroma_server):
    from copilot.context import AppContext
    import llama_cpp

    from copilot.health import run_checks

    app = AppContext.build(environ={**os.environ, **sides[1], "COPILOT_GRAMMAR": "true"})
    checks = {c.name: c for c in run_checks(app)}
    assert checks["model server"].status == "ok"
    assert checks["model server"].detail.startswith(f"llama-cpp-python {llama_cpp.__version__} at {llama_server}; model {MODEL_NAME} "
                                                     f"(completions); 1-token request ")
    assert checks["grammar"].detail.startswith("server takes grammars as `grammar` (GBNF); grammar on")
    assert checks["store"].detail.startswith(f"Chroma ") and f"at {chroma_server} (client " in checks["store"].detail
    assert "heartbeat" in checks["store"].detail


def test_a_client_with_another_embedding_model_is_refused_by_the_shared_index(sides, docs, tmp_path):
    from copilot.context import AppContext
    from copilot.docs.store import open_store
    from copilot.errors import StoreError

    run(["index", "--json", str(docs)], sides[1])
    other = tmp_path / "other-model"
    other.mkdir()
    refused = AppContext.build(environ={**os.environ, **sides[1], "COPILOT_EMBEDDING_MODEL": str(other)})
    with pytest.raises(StoreError, match=f"the docs store at {sides[1]['COPILOT_CHROMA_URL']} was built with "
                                         f"embedding model 'all-MiniLM-L6-v2'"):
        open_store(refused)
