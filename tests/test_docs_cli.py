"""`copilot index`, `search` and `ask` as users run them: JSON contracts, citations, bad input."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from copilot.cli import cli
from docs_fixtures import timing_manual_pdf, write_man_page

SEARCH_KEYS = {"text", "source", "title", "page", "score"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)


def run_process(*args: str, env_home: Path | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ)
    if env_home is not None:
        env["COPILOT_HOME"] = str(env_home)
    return subprocess.run([sys.executable, "-m", "copilot", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def one_line_error(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A store holding a two-page manual and a man page, built through the CLI."""
    root = tmp_path_factory.mktemp("cli-store")
    docs = root / "docs"
    docs.mkdir()
    timing_manual_pdf(docs / "manual.pdf")
    write_man_page(docs)
    path = str(root / "store")
    result = run_process("index", str(docs), "--store", path, "--json", env_home=root / "home")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == 2 and summary["skipped"] == []
    return path


def test_search_json_contract(store):
    result = run_process("search", "how do I annotate capacitance", "-k", "2", "--store", store, "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and all(set(h) == SEARCH_KEYS for h in hits)
    assert hits[0]["source"].endswith("manual.pdf") and hits[0]["page"] == 1
    assert "set_load" in hits[0]["text"] and hits[0]["score"] >= hits[1]["score"]


def test_search_text_output_names_source_and_page(store):
    out = run("search", "report timing paths", "--store", store, "-k", "1").stdout
    # the three short command sections of the fixture manual make one passage
    assert out.startswith("[1] Commands — create_clock, set_load, report_checks") and "manual.pdf, page 1" in out


def test_ask_streams_an_answer_with_numbered_sources(store, fake_model):
    model = fake_model(["1], set_load -pin_load annotates capacitance on a port [2]."])
    out = run("ask", "how", "do", "I", "annotate", "capacitance", "on", "a", "port", "--store", store).stdout
    answer, _, sources = out.partition("\nSources:\n")
    assert answer.startswith("According to [1], set_load -pin_load")
    assert sources.splitlines()[0].startswith("[1] manual.pdf, page 1")
    # under each source, the line that best matches the question
    assert sources.splitlines()[1] == "    > The set_load command annotates capacitance on a net or port."
    prompt = model.prompts[0]
    assert "Question: how do I annotate capacitance on a port" in prompt
    assert "[1] " in prompt and "annotates capacitance on a net or port" in prompt
    assert prompt.rstrip().endswith("According to [")


def test_ask_json_contract_maps_citations_to_sources(store, fake_model):
    fake_model(["1] says set_load annotates capacitance."])
    data = json.loads(run("ask", "which command annotates capacitance?", "--json", "--store", store).stdout)
    assert set(data) == {"answer", "sources"}
    assert data["answer"] == "According to [1] says set_load annotates capacitance."
    first = data["sources"][0]
    assert set(first) == SEARCH_KEYS | {"ref"} and first["ref"] == 1
    assert "set_load" in first["text"] and first["page"] == 1


def test_ask_says_it_does_not_know_without_calling_the_model(store, fake_model):
    model = fake_model(["should not be used"])
    data = json.loads(run("ask", "what is the capital of France?", "--json", "--store", store).stdout)
    assert data["answer"].startswith("I don't know") and data["sources"] == []
    assert model.prompts == []


def test_empty_store_says_how_to_index(tmp_path):
    result = run_process("search", "create_clock", "--store", str(tmp_path / "none"))
    one_line_error(result, "copilot index --defaults")


@pytest.mark.parametrize("make,needle", [
    (lambda p: p.mkdir(), "no documents under"),
    (lambda p: p.write_bytes(b"\0\1binary"), "not a document type"),
    (lambda p: p.with_suffix(".md").write_bytes(b"\0\1\2"), "is a binary file"),
])
def test_index_bad_input_is_one_line(tmp_path, make, needle):
    target = tmp_path / "input"
    make(target)
    if not target.exists():
        target = target.with_suffix(".md")
    one_line_error(run_process("index", str(target), "--store", str(tmp_path / "s")), needle)


def test_corrupt_store_is_one_line(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "chroma.sqlite3").write_bytes(b"this is not a sqlite database" * 100)
    one_line_error(run_process("search", "x", "--store", str(store)), "copilot index --rebuild")


def test_chroma_server_down_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_process("search", "x", "--chroma-url", f"http://127.0.0.1:{port}")
    one_line_error(result, "cannot reach the Chroma server")


def test_docs_commands_import_no_heavy_library():
    code = ("import sys, copilot.commands.index, copilot.commands.search, copilot.commands.ask; "
            "print([m for m in ('chromadb', 'torch', 'sentence_transformers', 'llama_cpp', 'pypdf') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_ask_with_the_real_model(store, real_model_home):
    result = run_process("ask", "which command annotates capacitance on a net or port?", "--store", store,
                         "--json", env_home=real_model_home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answer"].startswith("According to [") and len(data["answer"]) > len("According to [")
    assert data["sources"] and data["sources"][0]["source"].endswith("manual.pdf")


def index_json(*args: str) -> dict:
    return json.loads(run("index", *args, "--json").stdout)


def test_index_without_paths_refreshes_everything_and_rebuild_starts_over(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_man_page(docs)
    (docs / "a.md").write_text("# A\n\nAlpha notes.\n", encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text("Single file about hold fixing.\n", encoding="utf-8")
    store = str(tmp_path / "store")
    assert index_json(str(docs), str(single), "--store", store)["added"] == 3
    (docs / "a.md").unlink()
    (docs / "b.md").write_text("# B\n\nBeta notes.\n", encoding="utf-8")
    single.write_text("Single file about setup fixing.\n", encoding="utf-8")
    refreshed = index_json("--store", store)
    assert (refreshed["added"], refreshed["updated"], refreshed["removed"], refreshed["unchanged"]) == (1, 1, 1, 1)
    rebuilt = index_json("--rebuild", "--store", store)
    assert rebuilt["added"] == 3 and rebuilt["unchanged"] == 0


def test_rebuild_replaces_a_damaged_store(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    docs = tmp_path / "docs"
    docs.mkdir()
    write_man_page(docs)
    assert index_json(str(docs), "--rebuild", "--store", str(store))["added"] == 1
    hits = json.loads(run("search", "frobnicate", "--store", str(store), "--json").stdout)
    assert hits[0]["source"].endswith("frobnicate.n.gz")


def test_rebuild_after_a_model_change_reindexes_the_same_sources(tmp_path):
    from copilot.context import AppContext
    from copilot.docs.store import open_store
    from copilot.errors import StoreError

    docs = tmp_path / "docs"
    docs.mkdir()
    write_man_page(docs)
    store = str(tmp_path / "store")
    index_json(str(docs), "--store", store)
    app = AppContext.build({"store": store})
    opened = open_store(app)
    opened.docs.modify(metadata={**opened.docs.metadata, "embedding_model": "some-other-model"})
    with pytest.raises(StoreError, match="built with embedding model 'some-other-model'"):
        run("search", "frobnicate", "--store", store)
    assert index_json("--rebuild", "--store", store)["added"] == 1
    assert json.loads(run("search", "frobnicate", "--store", store, "--json").stdout)
