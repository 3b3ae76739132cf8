"""Fuzz and load `copilot serve`: malformed requests must not crash or hang it; concurrent
clients must all be answered.

    .venv/bin/python tools/bench_server.py                          # 5000 fuzz requests, 8 clients x 30 s
    .venv/bin/python tools/bench_server.py --fuzz 300 --clients 4 --seconds 5 --json out.json

The server runs in a temporary COPILOT_HOME with a model that answers at once (decoding is
not what is measured), OpenSTA's demo design in its scratch session when `sta` is installed
(tclsh otherwise), on its Unix socket and its 127.0.0.1 port (with the token).

Fuzz: a seeded generator of bad input - random bytes, invalid UTF-8, JSON that is not an
object, nesting 100,000 deep, 5,000-digit numbers, fields of the wrong type, unknown ops,
oversized lines, wrong or missing hello and token, lines cut off by a closed connection,
pipelined bursts. Each complete line must get exactly one JSON reply within --reply-timeout;
a crash is the server process ending, a hang a missing reply. The server must still answer
`status` and `generate` afterwards.

Load: --clients connections for --seconds, each sending generate / check / status in turn
(one in three of each); every request must be answered; latency percentiles per op.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANSWER = "report_checks -path_delay max -group_count 1\n"
MAX_LINE = 256 * 1024  # copilot.server.protocol.MAX_LINE, kept here so the tool has no import


class InstantModel:
    """Answers at once: the benchmark measures the server, not decoding."""

    name = "instant"

    def complete(self, prompt, **kwargs):
        from copilot.model.base import Completion

        return Completion(ANSWER, 1, 1, 0.0, 0.0, "stop")

    def chat_template(self):
        return None

    def render_chat(self, messages):
        return None

    def count_tokens(self, text):
        return len(text.split())


def instant_model(app) -> InstantModel:
    """Backend factory: COPILOT_BACKEND=bench_server:instant_model (PYTHONPATH=tools)."""
    return InstantModel()


# -- the server under test -----------------------------------------------------------------
class Server:
    """`copilot serve` in its own COPILOT_HOME; the socket path, port and token it wrote."""

    def __init__(self, home: Path, extra_env: dict[str, str] | None = None) -> None:
        self.home = home
        env = dict(os.environ, COPILOT_HOME=str(home), PYTHONPATH=str(REPO / "tools"),
                   COPILOT_BACKEND="bench_server:instant_model", **(extra_env or {}))
        setup = ["--setup", "demo"] if shutil.which("sta") else ["--tool", "tclsh"]
        self.proc = subprocess.Popen([sys.executable, "-m", "copilot", "serve", *setup], env=env,
                                     stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            if "ready on" in line:
                break
        else:
            raise RuntimeError("copilot serve did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # drain its log
        folder = home / "data" / "server"
        endpoint = dict(line.split(" ", 1) for line in (folder / "endpoint").read_text().splitlines())
        self.socket_path = endpoint["socket"]
        self.port = int(endpoint["port"])
        self.token = (folder / "token").read_text().strip()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def connect(self, tcp: bool, timeout: float) -> socket.socket:
        if tcp:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        else:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(self.socket_path)
        return sock

    def hello(self, tcp: bool) -> bytes:
        message = {"op": "hello", "protocol": 1, "client": "bench_server"}
        if tcp:
            message["token"] = self.token
        return (json.dumps(message) + "\n").encode()

    def stop(self) -> None:
        if self.alive:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# -- fuzzing -------------------------------------------------------------------------------
def _json_line(value) -> bytes:
    return (json.dumps(value) + "\n").encode()


def _random_value(rnd: random.Random, depth: int = 0):
    kind = rnd.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rnd.choice([True, False])
    if kind == 2:
        return rnd.choice([0, -1, 2**63, 1e308, -1e-308, 3.5])
    if kind in (3, 4):
        return "".join(chr(rnd.choice([rnd.randrange(32, 127), rnd.randrange(0x80, 0x2FFF)]))
                       for _ in range(rnd.randrange(0, 40)))
    if kind == 5:
        return [_random_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    return {rnd.choice(["op", "request", "script", "tool", "setup", "x"]): _random_value(rnd, depth + 1)
            for _ in range(rnd.randrange(4))}


def fuzz_lines(rnd: random.Random) -> list[bytes]:
    """One malformed request line (sometimes a few), each ending in a newline."""
    ops = ["generate", "check", "explain", "status", "hello", "nope", "", None, 7, ["generate"]]
    kind = rnd.randrange(12)
    if kind == 0:
        return [bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 200))).replace(b"\n", b" ") + b"\n"]
    if kind == 1:
        return [b"\xff\xfe\xc3(\x80" * rnd.randrange(1, 20) + b"\n"]
    if kind == 2:
        return [_json_line(rnd.choice([[], [1, 2], "generate", 42, None, 1.5, True]))]
    if kind == 3:
        depth = rnd.choice([1000, 100_000])
        return [b"[" * depth + b"]" * depth + b"\n", b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"\n"][rnd.randrange(2):][:1]
    if kind == 4:
        return [b'{"op": "check", "script": ' + b"9" * 5000 + b"}\n"]
    if kind == 5:
        return [_json_line({"op": rnd.choice(ops), "request": _random_value(rnd), "script": _random_value(rnd),
                            "tool": _random_value(rnd), "setup": _random_value(rnd)})]
    if kind == 6:
        return [_json_line({"op": rnd.choice(["check", "explain"]),
                            "script": rnd.choice(["", " ", "{", "}}}]]]", "\x00", "exec rm -rf /tmp/x",
                                                  "proc p {} {" * 200, "#" * 10000, "\u202e\ufeff"]),
                            "tool": rnd.choice([None, "tclsh", "opensta", "no-such-tool", "../../etc"])})]
    if kind == 7:
        return [_json_line({"op": "generate", "request": rnd.choice(["", " " * 50, "x" * 5000, "report tns"]),
                            "tool": rnd.choice([None, "tclsh", "vivado", {}, []]),
                            "setup": rnd.choice([None, "/no/such.tcl", "demo", "", 3, "/etc/passwd"])})]
    if kind == 8:
        return [b"x" * (MAX_LINE + rnd.randrange(1, 5000)) + b"\n"]
    if kind == 9:
        return [_json_line(_random_value(rnd)) for _ in range(rnd.randrange(2, 6))]  # a burst
    if kind == 10:
        return [b"\n", b"   \n", b"{}\n"][rnd.randrange(3):]
    return [_json_line({"op": "status", "junk": "y" * rnd.randrange(100_000)})]


INTERNAL: list[str] = []  # replies saying a request hit a bug (the server went on)


def _read_replies(sock: socket.socket, count: int, deadline: float) -> tuple[int, str]:
    """Read `count` reply lines; (how many came, what went wrong or "")."""
    buffer = b""
    got = 0
    while got < count:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return got, "hang"
        if not chunk:
            return got, "closed"
        buffer += chunk
        while b"\n" in buffer and got < count:
            line, buffer = buffer.split(b"\n", 1)
            try:
                reply = json.loads(line)
            except ValueError:
                return got, f"bad reply {line[:80]!r}"
            if not isinstance(reply, dict) or "ok" not in reply:
                return got, f"bad reply {line[:80]!r}"
            if (reply.get("error") or {}).get("title") == "internal":
                INTERNAL.append(reply["error"]["message"])
            got += 1
    return got, ""


def fuzz(server: Server, n: int, seed: int = 7, reply_timeout: float = 30.0) -> dict:
    """Send `n` malformed requests over both listeners; count crashes, hangs and bad replies."""
    rnd = random.Random(seed)
    INTERNAL.clear()
    sent = answered = hangs = bad = 0
    problems: list[str] = []
    began = time.monotonic()
    while sent < n and server.alive:
        tcp = rnd.random() < 0.5
        try:
            sock = server.connect(tcp, reply_timeout)
        except OSError as exc:
            problems.append(f"connect: {exc}")
            bad += 1
            break
        with sock:
            style = rnd.randrange(10)
            if style == 0:  # a bad hello: one error reply, then the server closes
                hello = rnd.choice([_json_line({"op": "hello", "protocol": 1, "token": rnd.choice(["", "guess", 5])}),
                                    _json_line({"op": "hello", "protocol": rnd.choice([0, 2, "1", None])}),
                                    _json_line({"op": "generate", "request": "x"}), b"garbage\n"])
                if not tcp and b'"protocol": 1' in hello and b'"op": "hello"' in hello:
                    hello = b"garbage\n"  # the socket needs no token: make it bad another way
                sock.sendall(hello)
                got, why = _read_replies(sock, 1, time.monotonic() + reply_timeout)
                sent += 1
                answered += got
                if why and why != "closed":
                    hangs += why == "hang"
                    bad += why != "hang"
                    problems.append(f"bad hello: {why}")
                continue
            sock.sendall(server.hello(tcp))
            got, why = _read_replies(sock, 1, time.monotonic() + reply_timeout)
            if why:
                problems.append(f"hello: {why}")
                hangs += why == "hang"
                continue
            lines = fuzz_lines(rnd)
            try:
                for line in lines:
                    sock.sendall(line)
                if style == 1:  # cut off mid-line: the server must answer what came before
                    sock.sendall(b'{"op": "check", "script": "puts')
            except OSError as exc:  # the server hung up before reading everything
                problems.append(f"closed while sending ({exc.strerror}) {lines[0][:60]!r}")
                bad += 1
                sent += len(lines)
                continue
            if style == 1:
                sent += len(lines)
                got, why = _read_replies(sock, len(lines), time.monotonic() + reply_timeout)
                answered += got
                if why:
                    problems.append(f"{why} after {lines[0][:60]!r}")
                    hangs += why == "hang"
                    bad += why != "hang"
                continue
            got, why = _read_replies(sock, len(lines), time.monotonic() + reply_timeout)
            sent += len(lines)
            answered += got
            if why:
                problems.append(f"{why} after {lines[0][:60]!r}")
                hangs += why == "hang"
                bad += why != "hang"
    seconds = time.monotonic() - began
    alive = server.alive
    after = _still_serves(server) if alive else "the server process ended"
    return {"requests": sent, "answered": answered, "crashes": 0 if alive else 1, "hangs": hangs,
            "bad_replies": bad, "internal_errors": len(INTERNAL), "internal": sorted(set(INTERNAL))[:5], "still_serves": after == "", "after": after, "seconds": round(seconds, 1),
            "problems": problems[:10]}


def _still_serves(server: Server) -> str:
    """'' when status and generate still work on a fresh connection, else what failed."""
    try:
        with server.connect(False, 60) as sock:
            sock.sendall(server.hello(False) + _json_line({"op": "status"})
                         + _json_line({"op": "generate", "request": "report the worst setup path"}))
            reader = sock.makefile("rb")
            replies = [json.loads(reader.readline()) for _ in range(3)]
    except (OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    if not all(r.get("ok") for r in replies):
        return f"not ok: {replies}"
    return ""


# -- load ------------------------------------------------------------------------------------
def load(server: Server, clients: int, seconds: float, reply_timeout: float = 120.0) -> dict:
    """`clients` connections, each sending generate/check/status in turn for `seconds`."""
    requests = [("generate", {"request": "report the worst setup path"}),
                ("check", {"script": "report_checks -path_delay max\n"}),
                ("status", {})]
    latencies: dict[str, list[float]] = {op: [] for op, _ in requests}
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        tcp = n % 2 == 1
        try:
            with server.connect(tcp, reply_timeout) as sock:
                reader = sock.makefile("rb")
                sock.sendall(server.hello(tcp))
                json.loads(reader.readline())
                i = n
                while time.monotonic() < stop_at:
                    op, fields = requests[i % len(requests)]
                    i += 1
                    began = time.perf_counter()
                    sock.sendall(_json_line({"op": op, **fields}))
                    line = reader.readline()
                    took = time.perf_counter() - began
                    reply = json.loads(line) if line else {}
                    with lock:
                        if reply.get("ok"):
                            latencies[op].append(took)
                        else:
                            failures.append(f"{op}: {reply.get('error') or 'no reply'}")
        except (OSError, ValueError) as exc:
            with lock:
                failures.append(f"client {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + reply_timeout + 10)
    wall = time.monotonic() - began
    everything = [s for samples in latencies.values() for s in samples]
    return {"clients": clients, "seconds": round(wall, 1), "answered": len(everything),
            "failed": len(failures), "failures": failures[:5],
            "requests_per_s": round(len(everything) / wall, 1),
            "latency_ms": {op: _percentiles(s) for op, s in latencies.items()} | {"all": _percentiles(everything)}}


def _percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    ms = sorted(s * 1000 for s in samples)
    pick = lambda q: round(ms[min(len(ms) - 1, int(len(ms) * q))], 1)  # noqa: E731
    return {"n": len(ms), "median": round(statistics.median(ms), 1), "p95": pick(0.95), "max": round(ms[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fuzz", type=int, default=5000, help="malformed requests to send (0: none)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load run (0: none)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load run")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-server-") as home:
        server = Server(Path(home))
        try:
            results = {"machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"}
            if args.fuzz:
                results["fuzz"] = fuzz(server, args.fuzz, args.seed)
            if args.clients and server.alive:
                results["load"] = load(server, args.clients, args.seconds)
        finally:
            server.stop()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    fuzz_ok = "fuzz" not in results or (results["fuzz"]["crashes"] == results["fuzz"]["hangs"]
                                         == results["fuzz"]["bad_replies"] == 0 and results["fuzz"]["still_serves"])
    load_ok = "load" not in results or results["load"]["failed"] == 0
    return 0 if fuzz_ok and load_ok else 1


if __name__ == "__main__":
    sys.exit(main())
