"""Speed of `copilot explain` (seconds per 100 script lines) and `copilot summarize` (seconds per
10,000 characters of bug text) on the embedded default model, in-process with the model loaded once.

    python tools/bench_explain_summarize.py            # model + extractive, the default commands
    python tools/bench_explain_summarize.py --no-model # the deterministic parts alone
    python tools/bench_explain_summarize.py --json out.json

Inputs are the test data: tests/data/explain/soc_top.sdc (a 317-line SDC), a procedural script
made of the multi-line verified examples (loops, procs), and the four threads in tests/data/bugs/.
The machine's load average is printed with the numbers, since other work on a shared CPU
slows llama.cpp down in proportion.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def procedural_script(limit_lines: int = 100) -> str:
    """The verified multi-line example scripts (loops, procs, ifs) joined, about `limit_lines` long."""
    lines: list[str] = []
    for row in (REPO / "adapters/opensta/examples.jsonl").read_text().splitlines():
        script = json.loads(row)["script"].strip()
        if "\n" in script and ("foreach" in script or "proc " in script) and "file " not in script:
            lines += script.split("\n") + [""]
        if len(lines) >= limit_lines:
            break
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-model", action="store_true", help="leave the model out")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    from copilot.context import AppContext
    from copilot.explain import build_explainer
    from copilot.input_files import InputText
    from copilot.model.registry import load_model
    from copilot.summarize import build_summarizer
    from copilot.summarize.thread import read_thread

    app = AppContext.build()
    use_model = not args.no_model
    load_seconds = 0.0
    model = None
    if use_model:
        began = time.perf_counter()
        model = load_model(app)
        load_seconds = time.perf_counter() - began
    explainer = build_explainer(app, "opensta", use_model=use_model)
    if explainer.narrator is not None:
        explainer.narrator._model = model  # shared: load time is reported once, separately
    summarizer = build_summarizer(app, "opensta", use_model=use_model)
    if use_model:
        summarizer._model = model

    results = {"model": model.name if model else None, "model_load_s": round(load_seconds, 2),
               "loadavg_before": os.getloadavg()[0], "explain": [], "summarize": []}
    scripts = [("soc_top.sdc", (REPO / "tests/data/explain/soc_top.sdc").read_text()),
               ("examples_procedural.tcl", procedural_script())]
    total_lines = total_seconds = 0.0
    for name, text in scripts:
        calls_before = explainer.narrator.calls if explainer.narrator else 0
        kept_before = explainer.narrator.kept if explainer.narrator else 0
        began, cpu = time.perf_counter(), time.process_time()
        explainer.explain(InputText(name, text))
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        lines = len(text.splitlines())
        calls = (explainer.narrator.calls - calls_before) if explainer.narrator else 0
        kept = (explainer.narrator.kept - kept_before) if explainer.narrator else 0
        total_lines, total_seconds = total_lines + lines, total_seconds + seconds
        results["explain"].append({"input": name, "lines": lines, "seconds": round(seconds, 2),
                                   "cpu_seconds": round(cpu, 2), "model_calls": calls, "kept": kept,
                                   "s_per_100_lines": round(100 * seconds / lines, 2)})
        print(f"explain   {name:26s} {lines:5d} lines  {seconds:6.1f} s (cpu {cpu:5.1f})  {calls:2d} model calls "
              f"({kept} kept)  {100 * seconds / lines:6.2f} s/100 lines")
    results["explain_s_per_100_lines"] = round(100 * total_seconds / total_lines, 2)

    total_chars = total_seconds = 0.0
    for path in sorted((REPO / "tests/data/bugs").iterdir()):
        if path.suffix not in (".md", ".txt", ".json"):
            continue
        text = path.read_text()
        calls_before = summarizer.calls
        began, cpu = time.perf_counter(), time.process_time()
        summary = summarizer.summarize(read_thread(text, path.name))
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        calls = summarizer.calls - calls_before
        kept = sum(1 for c in summary.chunks if c.summary)
        total_chars, total_seconds = total_chars + len(text), total_seconds + seconds
        results["summarize"].append({"input": path.name, "chars": len(text), "seconds": round(seconds, 2),
                                     "cpu_seconds": round(cpu, 2), "model_calls": calls, "kept": kept,
                                     "s_per_10k_chars": round(1e4 * seconds / len(text), 2)})
        print(f"summarize {path.name:26s} {len(text):6d} chars {seconds:6.1f} s (cpu {cpu:5.1f})  {calls:2d} model calls "
              f"({kept} kept)  {1e4 * seconds / len(text):6.2f} s/10k chars")
    results["summarize_s_per_10k_chars"] = round(1e4 * total_seconds / total_chars, 2)
    results["loadavg_after"] = os.getloadavg()[0]
    print(f"\nexplain: {results['explain_s_per_100_lines']} s per 100 lines; summarize: "
          f"{results['summarize_s_per_10k_chars']} s per 10,000 characters"
          + (f"; model {results['model']} loaded in {load_seconds:.1f} s" if model else "; no model")
          + f"; load average {results['loadavg_before']:.1f} -> {results['loadavg_after']:.1f} on "
            f"{os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
