"""Benchmark the docs index: indexing time, warm and cold search latency, QA retrieval quality.

    .venv/bin/python tools/bench_search.py                    # index --defaults + the manual
    .venv/bin/python tools/bench_search.py --tcl all          # every Tcl man page, C library too
    .venv/bin/python tools/bench_search.py --store /tmp/s --reuse   # skip indexing, reuse a store

Builds a fresh store (unless --reuse), then prints one Markdown table and writes the
numbers with the machine's load and core count to --json (default: next to the store).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MANUAL = REPO.parent / "shared" / "corpus" / "opensta" / "OpenSTA-2.0.pdf"
QA = REPO / "tests" / "eval" / "qa_dev.jsonl"
COLD_QUERY = "how do I set the input delay of a port relative to a clock"


def _cpu_seconds() -> float:
    """CPU time of this process and its children (man/groff renderers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build(app, tcl: str) -> dict:
    """What `copilot index --defaults MANUAL` does (with --tcl all: the Tcl C library pages too)."""
    from copilot.docs.default_corpus import tcl_man_pages
    from copilot.docs.indexer import run_index
    from copilot.docs.retrieval import Retriever
    from copilot.docs.sources import discover
    from copilot.docs.store import open_store
    from copilot.docs.tool_catalog import CatalogSource

    started, cpu = time.monotonic(), _cpu_seconds()
    sources = discover([MANUAL])
    sources += tcl_man_pages(c_library=tcl == "all")
    sources.append(CatalogSource(app, app.settings.tool))
    store = open_store(app, create=True)
    report = run_index(store, sources, set())
    Retriever(store, app.locations.docs_cache_dir).refresh()  # what `copilot index` does last
    return {"sources": len(sources), "passages": report.passages, "skipped": len(report.skipped),
            "seconds": round(time.monotonic() - started, 1),
            "cpu_seconds": round(_cpu_seconds() - cpu, 1)}


def warm_latency(app, questions: list[str]) -> dict:
    from copilot.docs.retrieval import Retriever
    from copilot.docs.store import open_store

    retriever = Retriever(open_store(app), app.locations.docs_cache_dir)
    retriever.search("warm up", k=8)
    times = []
    for question in questions:
        started = time.perf_counter()
        retriever.search(question, k=8)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1), "queries": len(times)}


def cold_latency(store: Path, home: Path, runs: int = 5) -> dict:
    env = dict(os.environ, COPILOT_HOME=str(home))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "copilot", "search", COLD_QUERY, "--json", "--store", str(store)],
                       check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 2), "max_s": round(max(times), 2), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="store folder (default: a new temp folder)")
    parser.add_argument("--reuse", action="store_true", help="do not index; use the store as it is")
    parser.add_argument("--tcl", choices=["defaults", "all"], default="defaults")
    parser.add_argument("--json", type=Path, help="where to write the numbers")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from copilot.context import AppContext
    from copilot.docs.qa_eval import format_qa_report, load_qa, run_qa_eval

    root = args.store.parent if args.store else Path(tempfile.mkdtemp(prefix="bench-search-"))
    store = args.store or root / "store"
    home = root / "home"
    app = AppContext.build({"store": str(store)}, environ={"COPILOT_HOME": str(home), "HOME": str(home)})
    result = {"cores": os.cpu_count(), "load_before": os.getloadavg()[0], "corpus": f"OpenSTA manual + Tcl man pages ({args.tcl})"}
    if not args.reuse:
        result["index"] = build(app, args.tcl)
    questions = [item.question for item in load_qa(QA)]
    result["warm_search"] = warm_latency(app, questions)
    result["cold_cli_search"] = cold_latency(store, home)
    qa = run_qa_eval(app, QA, k=8)
    result["qa"] = {mode: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in m.items()}
                    for mode, m in qa["modes"].items()}
    result["load_after"] = os.getloadavg()[0]
    out = args.json or root / "bench_search.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if "index" in result:
        i = result["index"]
        print(f"indexing: {i['sources']} sources, {i['passages']} passages in {i['seconds']} s "
              f"({i['cpu_seconds']} s of CPU)")
    w, c = result["warm_search"], result["cold_cli_search"]
    print(f"warm search: median {w['median_ms']} ms, p95 {w['p95_ms']} ms over {w['queries']} queries")
    print(f"cold CLI search: median {c['median_s']} s, max {c['max_s']} s over {c['runs']} runs")
    print(format_qa_report(qa))
    print(f"load average {result['load_before']:.1f} -> {result['load_after']:.1f} on {result['cores']} cores; "
          f"numbers in {out}")


if __name__ == "__main__":
    main()
