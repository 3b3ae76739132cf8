"""`copilot serve` under bad input and load: a bounded run of tools/bench_server.py.

The fuzz run sends seeded malformed requests over the Unix socket and the token-guarded
TCP port (deep nesting, huge numbers, wrong types and ops, oversized and cut-off lines, bad
hellos); every complete line must get one JSON reply, none may reach the server's bug path,
and the server must still generate afterwards. The load run keeps concurrent clients busy
for a few seconds; every request must be answered. README's figures come from the full run.
"""

from __future__ import annotations

import json
import sys
import time

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import bench_server  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = bench_server.Server(tmp_path_factory.mktemp("serve-home"))
    yield running
    running.stop()


def test_fuzzing_run_no_crash_no_hang_no_bug(server):
    result = bench_server.fuzz(server, n=400, seed=11, reply_timeout=30)
    assert result["requests"] >= 400 and result["answered"] == result["requests"], result
    assert (result["crashes"], result["hangs"], result["bad_replies"], result["internal_errors"]) \
        == (0, 0, 0, 0), result
    assert result["still_serves"], result["after"]


def test_load_run_answers_every_client(server):
    result = bench_server.load(server, clients=4, seconds=4)
    assert result["failed"] == 0, result["failures"]
    latency = result["latency_ms"]
    assert all(latency[op]["n"] > 0 for op in ("generate", "check", "status")), latency
    assert latency["all"]["p95"] < 30_000


@pytest.mark.parametrize("line,needle", [
    (b"[" * 100_000 + b"]" * 100_000 + b"\n", "not one line of UTF-8 JSON"),   # RecursionError
    (b'{"op": "check", "script": ' + b"9" * 5000 + b"}\n", "not one line of UTF-8 JSON"),  # int limit
    (json.dumps({"op": ["generate"]}).encode() + b"\n", "unknown op"),
    (json.dumps({"op": "check", "script": "puts x", "tool": {"a": 1}}).encode() + b"\n",
     "'tool' must be a string"),
])
def test_each_former_crash_gets_one_clear_error(server, line, needle):
    with server.connect(tcp=False, timeout=30) as sock:
        reader = sock.makefile("rb")
        sock.sendall(server.hello(tcp=False) + line + b'{"op": "status"}\n')
        assert json.loads(reader.readline())["ok"]
        reply = json.loads(reader.readline())
        assert not reply["ok"] and needle in reply["error"]["message"], reply
        assert json.loads(reader.readline())["ok"]  # the connection goes on


def test_connections_beyond_the_limit_are_told_and_closed(server):
    from copilot.server.protocol import MAX_CLIENTS

    held = []
    try:
        for _ in range(MAX_CLIENTS):
            sock = server.connect(tcp=True, timeout=30)
            sock.sendall(server.hello(tcp=True))
            assert json.loads(sock.makefile("rb").readline())["ok"]
            held.append(sock)
        with server.connect(tcp=True, timeout=30) as extra:
            reply = json.loads(extra.makefile("rb").readline())
            assert not reply["ok"] and "clients are connected already" in reply["error"]["message"]
    finally:
        for sock in held:
            sock.close()
    # Slots are given back: a new client is served again.
    for _ in range(50):
        with server.connect(tcp=False, timeout=30) as sock:
            sock.sendall(server.hello(tcp=False))
            if json.loads(sock.makefile("rb").readline())["ok"]:
                return
        time.sleep(0.1)  # the server's threads release their slots as they see the close
    raise AssertionError("slots were not given back")
