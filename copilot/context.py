"""What every command starts from: locations, settings and where each setting came from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

from copilot.locations import Locations
from copilot.settings import Settings, load_settings


@dataclass(frozen=True)
class AppContext:
    """Built once at the edge (CLI, TUI, server) and passed down."""

    locations: Locations
    settings: Settings
    sources: dict[str, str]
    environ: Mapping[str, str]

    @classmethod
    def build(cls, flags: Mapping[str, Any] | None = None,
              environ: Mapping[str, str] | None = None) -> "AppContext":
        """Resolve locations and settings from the environment, config file and flags."""
        env = dict(os.environ if environ is None else environ)
        locations = Locations.from_environ(env)
        settings, sources = load_settings(locations, env, flags)
        return cls(locations, settings, sources, env)
