"""Shared fixtures: every test gets its own COPILOT_HOME; fakes register like real backends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from copilot.context import AppContext
from copilot.model.base import Completion

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def copilot_home(tmp_path_factory, monkeypatch) -> Path:
    """Point COPILOT_HOME at a temp dir so no test touches a real home directory."""
    home = tmp_path_factory.mktemp("copilot-home")
    monkeypatch.setenv("COPILOT_HOME", str(home))
    for name in list(__import__("os").environ):
        if name.startswith("COPILOT_") and name != "COPILOT_HOME":
            monkeypatch.delenv(name)
    return home


@pytest.fixture(scope="session")
def shared_model_dir(tmp_path_factory) -> Path:
    """One assembled copy of the default model for the whole test session."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def real_model_home(copilot_home, shared_model_dir, monkeypatch) -> Path:
    """COPILOT_HOME whose models folder is shared, so the real model is assembled once."""
    models = copilot_home / "data" / "models"
    models.parent.mkdir(parents=True, exist_ok=True)
    if not models.exists():
        models.symlink_to(shared_model_dir, target_is_directory=True)
    return copilot_home


class FakeModel:
    """Replays scripted answers in order (the last one repeats); records every prompt."""

    name = "fake"

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def complete(self, prompt, *, max_tokens, temperature=0.0, stop=(), grammar=None,
                 seed=None, on_token=None, until=None):
        self.prompts.append(prompt)
        text = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if on_token:
            for piece in text.split(" "):
                on_token(piece + " ")
        return Completion(text, len(prompt.split()), len(text.split()), 0.01, 0.001, "stop")

    def chat_template(self):
        return None

    def render_chat(self, messages):
        return None

    def count_tokens(self, text):
        return len(text.split())


@pytest.fixture
def fake_model(monkeypatch):
    """Register a 'fake' backend and select it; returns a setter for its answers."""
    from copilot.model import registry

    holder: dict[str, FakeModel] = {}

    def install(answers: list[str]) -> FakeModel:
        holder["model"] = FakeModel(answers)
        registry.register_backend("fake", lambda app: holder["model"])
        monkeypatch.setenv("COPILOT_BACKEND", "fake")
        return holder["model"]

    return install


def have(executable: str) -> bool:
    return shutil.which(executable) is not None


needs_sta = pytest.mark.skipif(not have("sta"), reason="Debian opensta (sta) not installed")


@pytest.fixture
def app() -> AppContext:
    return AppContext.build()
