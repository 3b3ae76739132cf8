"""Load benchmark: N engineers' `copilot generate` processes against one model server.

    .venv/bin/python tools/bench_team.py                      # start llama_cpp.server, N = 1 and 4
    .venv/bin/python tools/bench_team.py --concurrency 1 2 4 --requests 8
    .venv/bin/python tools/bench_team.py --base-url http://gpu-box:8000/v1 --skip-local

Each request is a whole `copilot generate --json` process (what an engineer waits for:
start, retrieval, the model through the server, checks), run from N worker threads at once,
each starting its own process. The single-user local figure runs the same requests one at a
time with the embedded model (the process loads it itself). Requests come from the dev
benchmark, in order; the same requests at every concurrency, after one untimed warm-up
request per setup. Prints throughput (requests per minute) and p50/p95 latency per setup,
and writes them as JSON with --out.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TASKS = REPO / "tests" / "eval" / "opensta_dev_tasks.jsonl"


@dataclass
class Config:
    concurrency: list[int] = field(default_factory=lambda: [1, 4])
    requests: int = 8  # per setup
    base_url: str = ""  # empty: start llama_cpp.server with the embedded model here
    threads: int = 0  # llama.cpp threads (server and local); 0 = all cores
    setup: str = ""  # --setup for generate ('demo' also runs each script in sta)
    skip_local: bool = False


@dataclass
class Run:
    setup: str
    concurrency: int
    requests: int
    failures: int
    wall_seconds: float
    per_minute: float
    p50: float
    p95: float
    load: float  # 1-minute load average at the end: other work on the machine skews everything


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation across the few samples a run has)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def generate_once(request: str, env: dict, setup: str) -> tuple[float, bool]:
    args = [sys.executable, "-m", "copilot", "generate", "--json", request]
    if setup:
        args[4:4] = ["--setup", setup]
    began = time.monotonic()
    proc = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - began
    ok = proc.returncode == 0 and "script" in json.loads(proc.stdout or "{}")
    if not ok:
        print(f"  failed: {proc.stderr.strip()[-200:]}", file=sys.stderr)
    return seconds, ok


def drive(name: str, requests: list[str], env: dict, concurrency: int, setup: str) -> Run:
    """Run every request, `concurrency` processes at a time; latency is per process.

    One untimed request first: the first run in a fresh home builds the catalog and the
    example vectors, which is a one-time cost, not per-request latency."""
    generate_once(requests[0], env, setup)
    queue = list(requests)
    lock = threading.Lock()
    latencies: list[float] = []
    failures = [0]

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                request = queue.pop(0)
            seconds, ok = generate_once(request, env, setup)
            with lock:
                latencies.append(seconds)
                failures[0] += not ok

    began = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(concurrency)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.monotonic() - began
    run = Run(name, concurrency, len(latencies), failures[0], round(wall, 1),
              round(60 * len(latencies) / wall, 2), round(percentile(latencies, 50), 1),
              round(percentile(latencies, 95), 1), round(os.getloadavg()[0], 1))
    print(f"{run.setup:<24} N={run.concurrency:<3} {run.requests} requests ({run.failures} failed) in "
          f"{run.wall_seconds:>6.1f} s: {run.per_minute:>5.2f}/min, p50 {run.p50:>5.1f} s, p95 {run.p95:>5.1f} s"
          f" (load {run.load})", flush=True)
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: Path, threads: int, log: Path) -> tuple[subprocess.Popen, str]:
    """llama-cpp-python's server with the embedded model, as docs/teams.md starts it."""
    import httpx

    port = free_port()
    args = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "4096", "--interrupt_requests", "False", "--verbose", "False"]
    if threads:
        args += ["--n_threads", str(threads)]
    proc = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"llama_cpp.server did not start; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--base-url", default="")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--setup", default="")
    parser.add_argument("--skip-local", action="store_true")
    parser.add_argument("--out", type=Path, help="write the config and runs as JSON here")
    args = parser.parse_args()
    config = Config(args.concurrency, args.requests, args.base_url, args.threads, args.setup, args.skip_local)

    from copilot.context import AppContext
    from copilot.model.registry import model_path

    home = Path(tempfile.mkdtemp(prefix="bench-team-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("COPILOT_")}
    base_env.update({"COPILOT_HOME": str(home), "COPILOT_USE_SERVER": "false"})
    if config.threads:
        base_env["COPILOT_THREADS"] = str(config.threads)
    model = model_path(AppContext.build(environ=base_env))  # assembles the default once
    requests = [json.loads(line)["request"] for line in TASKS.read_text().splitlines()[:config.requests]]
    print(f"{len(requests)} requests from {TASKS.name}; {os.cpu_count()} CPU cores; load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    runs: list[Run] = []
    if not config.skip_local:
        runs.append(drive("local (embedded model)", requests, base_env, 1, config.setup))
    server, url = (None, config.base_url) if config.base_url else start_server(model, config.threads, home / "server.log")
    try:
        team_env = {**base_env, "COPILOT_BACKEND": "openai", "COPILOT_BASE_URL": url}
        for n in config.concurrency:
            runs.append(drive("model server", requests, team_env, n, config.setup))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    if args.out:
        args.out.write_text(json.dumps({"config": asdict(config), "cpu_cores": os.cpu_count(),
                                        "runs": [asdict(r) for r in runs]}, indent=2))


if __name__ == "__main__":
    main()
