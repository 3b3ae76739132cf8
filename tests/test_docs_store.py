"""The docs store for real: Chroma in tmp_path, MiniLM embeddings, incremental runs, refusals."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SHARED
from copilot.context import AppContext
from copilot.docs.indexer import run_index
from copilot.docs.qa_eval import format_qa_report, run_qa_eval
from copilot.docs.retrieval import Retriever
from copilot.docs.sources import discover
from copilot.docs.store import open_store
from copilot.errors import StoreError
from docs_fixtures import MARKDOWN, timing_manual_pdf, write_man_page

MANUAL = SHARED / "corpus" / "opensta" / "OpenSTA-2.0.pdf"


def make_app(home: Path, **flags) -> AppContext:
    return AppContext.build(flags, environ={"COPILOT_HOME": str(home), "HOME": str(home)})


def make_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    timing_manual_pdf(folder / "manual.pdf")
    write_man_page(folder)
    (folder / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "setup.tcl").write_text("# load the demo design\nread_liberty osu018.lib\nlink_design top\n",
                                      encoding="utf-8")
    return folder


def index(app: AppContext, paths: list[Path]):
    sources = discover(paths)
    return run_index(open_store(app, create=True), sources, {s.via for s in sources if s.via})


def retriever(app: AppContext) -> Retriever:
    return Retriever(open_store(app), app.locations.docs_cache_dir)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One small indexed store shared by the read-only tests."""
    root = tmp_path_factory.mktemp("docs-store")
    docs = make_docs(root / "docs")
    app = make_app(root / "home")
    report = index(app, [docs])
    assert report.added == 4 and not report.skipped
    return app, docs


def test_search_finds_the_command_section_with_its_page(built):
    app, _ = built
    hits = retriever(app).search("what happens when a clock has no pins", k=3)
    top = hits[0].passage
    assert top.source.endswith("manual.pdf") and top.page == 1 and "create_clock" in top.title
    assert set(top.to_json(hits[0].score)) == {"text", "source", "title", "page", "score"}
    assert hits[0].score >= hits[1].score >= hits[2].score


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_every_mode_finds_a_command_by_name(built, mode):
    app, _ = built
    hits = retriever(app).search("frobnicate twice", k=2, mode=mode)
    assert "frobnicate" in hits[0].passage.source


def test_numpy_query_vectors_match_sentence_transformers(built):
    app, _ = built
    function = open_store(app).function
    texts = ["How do I define a clock?", "set_input_delay -clock clk 2 [all_inputs]"]
    import numpy as np

    documents = np.array(function(texts))
    queries = np.array(function.embed_query(texts))
    assert (documents * queries).sum(axis=1).min() > 0.9999


def test_rerun_skips_unchanged_then_updates_and_removes(tmp_path):
    docs = make_docs(tmp_path / "docs")
    app = make_app(tmp_path / "home")
    first = index(app, [docs])
    again = index(app, [docs])
    assert (again.added, again.updated, again.unchanged, again.passages) == (0, 0, 4, 0)
    (docs / "notes.md").write_text("# Team flow notes\n\nHold fixing now happens before routing.\n",
                                   encoding="utf-8")
    (docs / "setup.tcl").unlink()
    changed = index(app, [docs])
    assert (changed.updated, changed.removed, changed.unchanged) == (1, 1, 2)
    store = open_store(app)
    # every fixture file is one passage: setup.tcl's is gone, notes.md's old one replaced
    assert store.docs.count() == sum(e.chunks for e in store.entries().values()) == first.passages - 1
    sources = {h.passage.source for h in retriever(app).search("load the demo design", k=20)}
    assert not any(s.endswith("setup.tcl") for s in sources)


def test_symlinked_duplicates_are_indexed_once(tmp_path):
    docs = make_docs(tmp_path / "docs")
    (docs / "again.md").symlink_to(docs / "notes.md")
    app = make_app(tmp_path / "home")
    assert index(app, [docs]).added == 4


def test_interrupted_run_leaves_no_half_source_and_resumes(tmp_path, monkeypatch):
    import copilot.docs.indexer as indexer
    from copilot.docs.store import DocStore

    docs = make_docs(tmp_path / "docs")
    app = make_app(tmp_path / "home")
    monkeypatch.setattr(indexer, "BATCH_PASSAGES", 1)  # one source per batch
    real_commit = DocStore.commit
    calls = []

    def dying_commit(self, entries):
        calls.append(entries)
        if len(calls) == 2:
            raise KeyboardInterrupt  # after the second source's passages are written
        real_commit(self, entries)

    monkeypatch.setattr(DocStore, "commit", dying_commit)
    with pytest.raises(KeyboardInterrupt):
        index(app, [docs])
    store = open_store(app)
    live = store.entries()
    assert len(live) == 1
    half = calls[1][0].key
    written = store.docs.get(where={"key": half})["ids"]
    assert written, "the interrupted source's passages are in Chroma..."
    hits = retriever(app).search("frobnicate twist bits notes link_design clock", k=50)
    assert all(h.passage.source != half for h in hits), "...but no search can see them"
    monkeypatch.setattr(DocStore, "commit", real_commit)
    resumed = index(app, [docs])
    assert (resumed.unchanged, resumed.added) == (1, 3)
    expected = sum(e.chunks for e in open_store(app).entries().values())
    assert open_store(app).docs.count() == expected  # the orphans were removed


def test_store_built_with_another_model_is_refused(built, tmp_path):
    app, _ = built
    other = tmp_path / "other-model"
    other.mkdir()
    refused = AppContext.build({"store": str(app.settings.store_path(app.locations)),
                                "embedding_model": str(other)},
                               environ={"COPILOT_HOME": str(tmp_path)})
    with pytest.raises(StoreError, match="built with embedding model 'all-MiniLM-L6-v2'.*copilot index --rebuild"):
        open_store(refused)


def test_store_of_another_layout_version_is_refused(tmp_path):
    app = make_app(tmp_path / "home")
    store = open_store(app, create=True)
    store.docs.modify(metadata={**store.docs.metadata, "copilot_schema": 99})
    with pytest.raises(StoreError, match="layout version 99.*--rebuild"):
        open_store(app)


def test_qa_eval_reports_each_mode(built, tmp_path):
    app, _ = built
    qa = tmp_path / "qa.jsonl"
    qa.write_text('{"id": "q1", "question": "How do I twist bits two times?", "source": "frobnicate", '
                  '"answer_contains": "twisted two times"}\n'
                  '{"id": "q2", "question": "Which command annotates capacitance on a port?", '
                  '"source": "manual.pdf", "answer_contains": "annotates capacitance"}\n', encoding="utf-8")
    result = run_qa_eval(app, qa, k=8)
    assert set(result["modes"]) == {"hybrid", "dense", "keyword"}
    assert result["modes"]["hybrid"]["hit@k"] == 1.0 and result["modes"]["keyword"]["mrr"] == 1.0
    report = format_qa_report(result)
    assert "hit@8" in report and "hybrid" in report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_executable() -> str | None:
    local = Path(sys.executable).parent / "chroma"
    return str(local) if local.exists() else shutil.which("chroma")


@pytest.mark.skipif(_chroma_executable() is None, reason="the chroma executable is not installed")
def test_shared_chroma_server(tmp_path):
    port = _free_port()
    server = subprocess.Popen([_chroma_executable(), "run", "--path", str(tmp_path / "server-db"),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        app = make_app(tmp_path / "home", chroma_url=url)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("chroma run did not start")
                time.sleep(0.2)
        docs = make_docs(tmp_path / "docs")
        assert index(app, [docs]).added == 4
        hits = retriever(make_app(tmp_path / "other-user", chroma_url=url)).search("frobnicate", k=1)
        assert hits[0].passage.source.endswith("frobnicate.n.gz") and open_store(app).where == url
    finally:
        server.terminate()
        server.wait(timeout=20)
    with pytest.raises(StoreError, match=f"cannot reach the Chroma server at {url}.*chroma run"):
        open_store(app)


@pytest.mark.skipif(not MANUAL.is_file(), reason="OpenSTA manual not in ../shared/corpus")
def test_real_manual_indexes_and_answers_command_questions(tmp_path):
    app = make_app(tmp_path / "home")
    started = time.monotonic()
    report = run_index(open_store(app, create=True), discover([MANUAL]), set())
    assert report.added == 1 and report.passages > 80
    assert time.monotonic() - started < 120
    search = retriever(app)
    for question, expected in [("How do I set the arrival time of an input port?", "set_input_delay"),
                               ("Which command reads SPEF parasitics?", "read_spef"),
                               ("How do I derate delays by 10%?", "set_timing_derate")]:
        titles = [h.passage.title for h in search.search(question, k=8)]
        assert any(expected in t for t in titles), (question, titles)
