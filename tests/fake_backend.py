"""A fake model backend for tests that run the copilot in another process (serve, shell).

    PYTHONPATH=tests COPILOT_BACKEND=fake_backend:build COPILOT_FAKE_ANSWERS=answers.json copilot ...

answers.json is a JSON list of completions, replayed in order (the last one repeats); each
prompt is appended to answers.json.prompts so tests can see what the model was asked. Note
that `copilot serve` makes one warm-up call at start, which takes the first answer of a list.
`fake_backend:broken` raises in every completion and `fake_backend:hanging` never returns:
for tests of what a failing or hanging copilot does to the user's tool session.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FakeModel


class RecordingFakeModel(FakeModel):
    def __init__(self, answers: list[str], log: Path) -> None:
        super().__init__(answers)
        self.log = log

    def complete(self, prompt, **kwargs):
        with self.log.open("a", encoding="utf-8") as f:
            f.write(json.dumps(prompt) + "\n")
        return super().complete(prompt, **kwargs)


def build(app) -> FakeModel:
    path = Path(app.environ["COPILOT_FAKE_ANSWERS"])
    return RecordingFakeModel(json.loads(path.read_text(encoding="utf-8")),
                              path.with_name(path.name + ".prompts"))


class BrokenModel(FakeModel):
    """A backend that fails in the middle of a request (a crashed server, a llama.cpp error)."""

    def complete(self, prompt, **kwargs):
        raise RuntimeError("llama_decode returned -3")


class HangingModel(FakeModel):
    """A backend that never answers (until the test is over)."""

    def complete(self, prompt, **kwargs):
        import time

        time.sleep(600)


def broken(app) -> FakeModel:
    return BrokenModel(["unused"])


def hanging(app) -> FakeModel:
    return HangingModel(["unused"])
