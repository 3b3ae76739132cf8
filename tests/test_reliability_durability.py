"""Durability: `kill -9` of `copilot index` mid-run, writers that share files, readers
beside a writer. Real processes, a real Chroma store, the bundled MiniLM.

A killed index run must leave every source at its old version or its new one (never half),
a store that searches, and a next run that finishes the job. Searches from other processes
(the TUI and `copilot serve` reading the store that `copilot index` writes) never fail.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import REPO
from copilot.context import AppContext

# `copilot index` with small batches (a run of a few seconds has several commit points) that
# says on stderr when each batch is written, so the test can kill it in the middle of a run.
HARNESS = """
import sys, copilot.docs.indexer as ix
ix.BATCH_PASSAGES = 8
write = ix._Batch.write
def noisy(self, *args):
    write(self, *args)
    print("BATCH-WRITTEN", file=sys.stderr, flush=True)
ix._Batch.write = noisy
from copilot.cli import main
sys.argv[0] = "copilot"
main()
"""
WORDS = ("the worst setup path of each group shows its slack, the clock latency and the data "
         "arrival time; report_checks prints it and report_tns sums the negative slack ").split()
DOCS = 6
SECTIONS = 6


def write_docs(folder: Path, version: str) -> None:
    rnd = random.Random(version)
    folder.mkdir(exist_ok=True)
    for i in range(DOCS):
        parts = []
        for s in range(SECTIONS):
            body = " ".join(rnd.choice(WORDS) for _ in range(90))
            parts.append(f"## Part {s} of manual {i}\n\n{body} marker-{version}-{i}-{s}\n")
        (folder / f"manual{i}.md").write_text(f"# Manual {i}\n\n" + "\n".join(parts), encoding="utf-8")


def index_process(docs: Path, store: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HARNESS, "index", str(docs), "--store", str(store),
                             "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def store_state(store: Path) -> dict:
    """The store as a fresh client sees it: manifest, live passages per source, orphans."""
    from copilot.docs.retrieval import Retriever
    from copilot.docs.store import _forget_client, open_store

    _forget_client(store)  # no cached client: read what is on disk now
    app = AppContext.build({"store": str(store)})
    opened = open_store(app)
    entries = opened.entries()
    got = opened.docs.get(include=["documents", "metadatas"])
    live: dict[str, list[str]] = {}
    orphans = 0
    for text, meta in zip(got["documents"], got["metadatas"]):
        entry = entries.get(meta["key"])
        if entry is not None and entry.sha == meta["sha"]:
            live.setdefault(meta["key"], []).append(text.split("marker-")[-1].split("-")[0])
        else:
            orphans += 1
    hits = Retriever(opened, app.locations.docs_cache_dir).search("worst setup path slack", k=5)
    return {"chunks": {k: e.chunks for k, e in entries.items()}, "live": live, "orphans": orphans,
            "hits": [h.passage.text for h in hits]}


def kill_after_batches(proc: subprocess.Popen, batches: int, delay: float) -> None:
    """SIGKILL the run `delay` s after its `batches`-th batch is written (mid-run, by construction)."""
    seen = 0
    for line in proc.stderr:
        seen += "BATCH-WRITTEN" in line
        if seen >= batches:
            break
    assert seen >= batches, f"the run ended after {seen} batch(es)"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)


def assert_whole(state: dict, versions: set[str]) -> None:
    """Every source is live at exactly one version, all of its passages, and search works."""
    assert len(state["chunks"]) == DOCS
    for key, chunks in state["chunks"].items():
        found = state["live"].get(key, [])
        assert len(found) == chunks, (key, chunks, found)  # no half source
        assert len(set(found)) == 1 and found[0] in versions, (key, found)
    assert state["hits"] and all("marker-" in h for h in state["hits"])


def test_kill_9_mid_index_leaves_a_usable_store_and_the_next_run_finishes(tmp_path):
    from click.testing import CliRunner

    from copilot.cli import cli

    docs, store = tmp_path / "docs", tmp_path / "store"
    env = dict(os.environ)
    write_docs(docs, "v1")
    assert CliRunner().invoke(cli, ["index", str(docs), "--store", str(store)]).exit_code == 0
    assert_whole(store_state(store), {"v1"})
    rnd = random.Random(9)
    written = {"v1"}
    mixed = False
    for version in ("v2", "v3"):  # killed at seeded points: after batch 1 or 2, plus 0-0.4 s
        write_docs(docs, version)
        written.add(version)
        kill_after_batches(index_process(docs, store, env), rnd.randint(1, 2), rnd.uniform(0, 0.4))
        state = store_state(store)
        assert_whole(state, written)  # each source whole, at one of the versions written so far
        mixed = mixed or len({v[0] for v in state["live"].values()}) > 1
    assert mixed  # the kills did land mid-run: some sources new, some old
    # Readers search from other processes while the next run finishes the job.
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(store), "9"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    time.sleep(4)  # the readers are up and searching
    last = CliRunner().invoke(cli, ["index", str(docs), "--store", str(store), "--json"])
    assert last.exit_code == 0, last.output
    summary = json.loads(last.output)
    assert summary["added"] == 0 and summary["updated"] + summary["unchanged"] == DOCS
    final = store_state(store)
    assert_whole(final, {"v3"})
    assert final["orphans"] == 0  # the killed runs' passages are gone
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        report = json.loads(out)
        assert report["searches"] > 0 and report["errors"] == [], report


# A process that searches the store in a loop, as the TUI and `copilot serve` do.
READER = """
import json, sys, time, traceback
from copilot.context import AppContext
from copilot.docs.store import open_store
from copilot.docs.retrieval import Retriever
app = AppContext.build({"store": sys.argv[1]})
retriever = Retriever(open_store(app), app.locations.docs_cache_dir)
searches, errors, began = 0, [], time.monotonic()
while time.monotonic() - began < float(sys.argv[2]):
    try:
        hits = retriever.search("worst setup path slack", k=5)
        assert hits and all("marker-" in h.passage.text for h in hits)
        searches += 1
        time.sleep(0.05)  # a user searching, not a busy loop starving the writer
    except Exception:
        errors.append(traceback.format_exc()[-300:])
print(json.dumps({"searches": searches, "errors": errors[:3]}))
"""


def test_atomic_writes_survive_kill_9_and_concurrent_writers(tmp_path):
    """The one writer behind config, catalogs, caches, history and server files: a SIGKILL
    at any point leaves the old or the new file, and many writers at once never fail."""
    target = tmp_path / "cache.bin"
    code = (f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
            "from copilot.atomic import write_bytes_atomic\n"
            "i = 0\nwhile True:\n"
            f"    write_bytes_atomic(__import__('pathlib').Path({str(target)!r}), bytes([i % 251]) * 4_000_000)\n"
            "    i += 1\n")
    for delay in (0.3, 0.55, 0.8):
        proc = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(delay)
        proc.kill()
        proc.wait()
        data = target.read_bytes()
        assert len(data) == 4_000_000 and len(set(data)) == 1  # one whole version
    from copilot.catalog.catalog import Catalog
    from copilot.docs.keyword_index import KeywordIndex

    catalog = Catalog.load(REPO / "adapters" / "opensta" / "catalog.json")
    index = KeywordIndex.build(["a", "b"], ["report checks", "worst slack"], [{}, {}])
    errors: list[BaseException] = []

    def save_many() -> None:
        try:
            for _ in range(15):
                catalog.save(tmp_path / "catalog.json")
                index.save(tmp_path / "bm25.pickle")
        except BaseException as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=save_many) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Catalog.load(tmp_path / "catalog.json").commands.keys() == catalog.commands.keys()
    assert pickle.loads((tmp_path / "bm25.pickle").read_bytes())[1].ids == ["a", "b"]
    assert not list(tmp_path.glob(".catalog.json.*")) and not list(tmp_path.glob(".bm25.pickle.*"))


def test_config_and_history_writers_are_atomic(tmp_path, monkeypatch):
    """Each writer of a file another process may read goes through copilot.atomic."""
    from copilot import atomic

    written: list[str] = []
    real = atomic.write_bytes_atomic
    monkeypatch.setattr(atomic, "write_bytes_atomic",
                        lambda path, data, mode=None: written.append(Path(path).name) or real(path, data, mode))
    from copilot.server.protocol import ServerFiles
    from copilot.training.register import set_config_values
    from copilot.tui.history import Entry, History

    app = AppContext.build()
    History(tmp_path / "tui-history.json").add(Entry("ask", "worst slack"))
    files = ServerFiles(tmp_path / "server")
    files.prepare()
    files.write_token()
    files.write_endpoint({"pid": 1})
    set_config_values(app.locations.config_file, {"threads": 2})
    assert {"tui-history.json", "token", "endpoint", "config.toml"} <= set(written)
    assert oct((tmp_path / "server" / "token").stat().st_mode & 0o777) == "0o600"
