"""A long-lived script service: model, catalog, example bank and scratch session kept warm.

Used by `copilot generate`, `copilot shell`, `copilot serve` and the TUI, so each builds the
pipeline the same way.
"""

from __future__ import annotations

from pathlib import Path

from copilot.context import AppContext
from copilot.generate.result import GenerationResult
from copilot.model.base import OnToken


class ScriptService:
    """Generate checked scripts for one tool (and optional setup) with warm resources."""

    def __init__(self, app: AppContext, tool: str | None = None, setup: Path | None = None,
                 model=None) -> None:
        from copilot.shells.profile import load_profile

        self.app = app
        self.profile = load_profile(tool or app.settings.tool, app.locations)
        self.setup = setup
        self._model = model
        self._generator = None

    @property
    def model(self):
        if self._model is None:
            from copilot.model.registry import load_model

            self._model = load_model(self.app)
        return self._model

    @property
    def generator(self):
        if self._generator is None:
            from copilot.generate.examples import ExampleBank
            from copilot.generate.pipeline import Generator
            from copilot.generate.workbench import open_workbench

            bench = open_workbench(self.app, self.profile.name, self.setup)
            bank = ExampleBank.for_tool(self.profile.name, self.app.locations.data_dir / "cache")
            self._generator = Generator(self.model, bank, bench,
                                        self.app.settings, tool_title=self.profile.description,
                                        tool=self.profile.name)
        return self._generator

    def generate(self, request: str, on_token: OnToken | None = None, repair=None) -> GenerationResult:
        """A checked script for `request`; `repair` (a failed Attempt) is fixed instead of starting afresh."""
        return self.generator.generate(request, on_token=on_token, repair=repair)

    def check(self, script: str):
        """Static checks only (syntax, lint, safety) for a script the user wrote or edited."""
        return self.generator.bench.check(script)

    def close(self) -> None:
        if self._generator is not None:
            self._generator.bench.close()
            self._generator = None
