"""Benchmark the tool adapters and `copilot serve`.

    .venv/bin/python tools/bench_adapter.py            # adapters + server, instant fake model
    .venv/bin/python tools/bench_adapter.py --real     # also one request with the real model

1. Added latency per command: `puts ok` sent N times to the real `sta` through the adapter
   (TclSession.run_script: temp file, runtime markers, output parsing) against the same
   command typed straight into `sta` with pexpect (sendline + wait for the prompt).
   Also the adapters of tclsh, python3 and yosys (batch: one process per script).
2. Server round trip: a `generate` request to a warm `copilot serve` (Unix socket) against
   the same request in a warm in-process ScriptService, with a model that answers at once so
   only the plumbing is measured; and a whole `copilot generate` process with and without a
   running server. --real adds one request with the embedded model each way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANSWER = "report_checks -path_delay max -group_count 1\n# End\n"


class InstantModel:
    """A model that answers at once (the benchmark measures everything but decoding)."""

    name = "instant"

    def complete(self, prompt, **kwargs):
        from copilot.model.base import Completion

        return Completion(ANSWER, 1, 1, 0.0, 0.0, "stop")

    def chat_template(self):
        return None

    def count_tokens(self, text):
        return len(text.split())


def instant_model(app) -> InstantModel:
    """Backend factory: COPILOT_BACKEND=bench_adapter:instant_model (PYTHONPATH=tools)."""
    return InstantModel()


def stats(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {"median_ms": round(statistics.median(ms), 3), "p90_ms": round(ms[int(len(ms) * 0.9)], 3),
            "n": len(ms)}


def bench_direct_sta(n: int) -> dict[str, float]:
    import pexpect

    child = pexpect.spawn("sta", ["-no_init", "-no_splash"], env=dict(os.environ, TERM="dumb"),
                          encoding="utf-8", dimensions=(50, 4000), cwd=tempfile.mkdtemp())
    child.delaybeforesend = None
    child.expect_exact("OpenSTA> ")
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        child.sendline("puts ok")
        child.expect_exact("OpenSTA> ")
        samples.append(time.perf_counter() - began)
    child.close(force=True)
    return stats(samples)


def bench_adapter(app, tool: str, n: int, command: str) -> dict[str, float]:
    from copilot.shells.factory import open_session
    from copilot.shells.profile import load_profile

    session = open_session(app, load_profile(tool, app.locations))
    try:
        session.run_script(command)  # warm up
        samples = []
        for _ in range(n):
            began = time.perf_counter()
            result = session.run_script(command)
            samples.append(time.perf_counter() - began)
            assert result.status == "ok", result
    finally:
        session.close()
    return stats(samples)


def served_env(home: str, real: bool) -> dict[str, str]:
    env = dict(os.environ, COPILOT_HOME=home, PYTHONPATH=str(REPO / "tools"))
    if not real:
        env["COPILOT_BACKEND"] = "bench_adapter:instant_model"
    return env


def start_server(env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "copilot", "serve", "--setup", "demo", "--no-tcp"],
                            env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "ready on" in line:
            return proc
    raise RuntimeError("copilot serve did not start")


def cli_generate(env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "copilot", "generate", "report the worst setup path",
                    "--setup", "demo", "--json"], env=env, capture_output=True, check=True)
    return time.perf_counter() - began


def bench_server(n: int, real: bool) -> dict[str, dict]:
    from copilot.context import AppContext
    from copilot.generate.service import ScriptService
    from copilot.resources import demo_setup
    from copilot.server.client import ServerClient

    home = tempfile.mkdtemp(prefix="bench-serve-")
    env = served_env(home, real)
    out: dict[str, dict] = {}
    runs = 1 if real else n
    app = AppContext.build(environ=env)
    service = ScriptService(app, "opensta", demo_setup(), model=None if real else InstantModel())
    service.generate("report the worst setup path")  # warm up
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        service.generate("report the worst setup path")
        samples.append(time.perf_counter() - began)
    service.close()
    out["in_process_request"] = stats(samples)
    out["cli_without_server"] = stats([cli_generate(env) for _ in range(1 if real else 3)])
    proc = start_server(env)
    try:
        with ServerClient.connect(Path(home) / "data" / "server") as client:
            client.call("generate", request="report the worst setup path")
            samples = []
            for _ in range(runs):
                began = time.perf_counter()
                client.call("generate", request="report the worst setup path")
                samples.append(time.perf_counter() - began)
        out["server_request"] = stats(samples)
        out["cli_with_server"] = stats([cli_generate(env) for _ in range(1 if real else 3)])
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="commands per adapter measurement")
    parser.add_argument("--real", action="store_true", help="also one request with the real model")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from copilot.context import AppContext

    home = tempfile.mkdtemp(prefix="bench-adapter-")
    app = AppContext.build(environ=dict(os.environ, COPILOT_HOME=home))
    results: dict[str, dict] = {"adapters": {}}
    direct = bench_direct_sta(args.n)
    adapted = bench_adapter(app, "opensta", args.n, "puts ok")
    results["adapters"]["sta direct (pexpect)"] = direct
    results["adapters"]["sta adapter"] = adapted
    results["adapters"]["sta added"] = {"median_ms": round(adapted["median_ms"] - direct["median_ms"], 3)}
    results["adapters"]["tclsh adapter"] = bench_adapter(app, "tclsh", args.n, "puts ok")
    results["adapters"]["python3 adapter"] = bench_adapter(app, "python3", args.n, "print('ok')")
    results["adapters"]["yosys batch adapter"] = bench_adapter(app, "yosys", 20, "puts ok")
    results["server (instant model)"] = bench_server(50, real=False)
    if args.real:
        results["server (embedded model)"] = bench_server(1, real=True)
    for section, rows in results.items():
        print(f"\n{section}")
        for name, row in rows.items():
            print(f"  {name:<28} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
