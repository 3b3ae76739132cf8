"""The doctor decodes in a child process, so a llama.cpp that crashes is a FAIL line."""

from __future__ import annotations

import pytest

from copilot import health
from copilot.context import AppContext


@pytest.fixture
def app(tmp_path, monkeypatch):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    return AppContext.build({"model": str(model), "backend": "llama"})


def test_a_crashing_llama_cpp_is_a_fail_line_with_the_rebuild_command(app, monkeypatch):
    pytest.importorskip("llama_cpp")
    monkeypatch.setattr(health, "_SMOKE", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    check = health._llama(app)
    assert check.status == "FAIL"
    assert "SIGSEGV" in check.detail and "GGML_NATIVE=OFF" in check.fix


def test_a_failing_load_names_the_error(app, monkeypatch):
    pytest.importorskip("llama_cpp")
    monkeypatch.setattr(health, "_SMOKE", "raise SystemExit('cannot load the model')")
    check = health._llama(app)
    assert check.status == "FAIL" and "cannot load the model" in check.detail
