"""Pick and build the model backend the settings name; tests register fakes the same way."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from copilot.context import AppContext
from copilot.errors import UsageError
from copilot.model.base import TextModel

Factory = Callable[[AppContext], TextModel]

# Built-in backends go through the same table as any registered one.
_BACKENDS: dict[str, str | Factory] = {
    "llama": "copilot.model.registry:build_llama",
    "openai": "copilot.model.openai_backend:build",
}


def register_backend(name: str, factory: Factory) -> None:
    """Make `name` a valid value of the `backend` setting."""
    _BACKENDS[name] = factory


def backend_names() -> list[str]:
    return sorted(_BACKENDS)


def model_path(app: AppContext) -> Path:
    """The GGUF the settings select; the embedded default is assembled on first use."""
    if app.settings.model:
        return Path(app.settings.model).expanduser()
    from copilot.model.embedded import ensure_default_model

    return ensure_default_model(app.locations.default_model_file)


def build_llama(app: AppContext) -> TextModel:
    from copilot.model.llama import LlamaModel

    s = app.settings
    return LlamaModel(model_path(app), lora=Path(s.lora).expanduser() if s.lora else None,
                      gpu_layers=s.gpu_layers, threads=s.threads, context=s.context)


def load_model(app: AppContext) -> TextModel:
    """Build the backend named by the `backend` setting (a name, or a plugin's 'module:factory')."""
    name = app.settings.backend
    factory = _BACKENDS.get(name)
    if factory is None and ":" not in name:
        raise UsageError(f"unknown model backend '{name}'; known: {', '.join(backend_names())} "
                         f"(or a plugin's 'module:factory').")
    if factory is None or isinstance(factory, str):
        # Plugins (and tests that span processes) name a factory by its import path.
        module, _, attr = (factory or name).partition(":")
        try:
            factory = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise UsageError(f"model backend '{name}' cannot be imported ({exc}); "
                             f"check the module is installed and names a factory.") from None
    return factory(app)
