"""Every path the copilot reads or writes, in one place (COPILOT_HOME overrides all)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

APP_DIR = "eda-copilot"


@dataclass(frozen=True)
class Locations:
    """Where config, data, models, stores, caches and logs live for one user."""

    config_dir: Path
    data_dir: Path
    policy_file: Path | None = None  # COPILOT_SAFETY_POLICY: a team's shared safety policy

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "Locations":
        """Resolve the folders from COPILOT_HOME, else the XDG base directories."""
        policy = Path(environ["COPILOT_SAFETY_POLICY"]).expanduser() \
            if environ.get("COPILOT_SAFETY_POLICY") else None
        home = environ.get("COPILOT_HOME")
        if home:
            root = Path(home).expanduser()
            return cls(config_dir=root, data_dir=root / "data", policy_file=policy)
        user_home = Path(environ.get("HOME") or Path.home())
        config = Path(environ.get("XDG_CONFIG_HOME") or user_home / ".config")
        data = Path(environ.get("XDG_DATA_HOME") or user_home / ".local" / "share")
        return cls(config_dir=config / APP_DIR, data_dir=data / APP_DIR, policy_file=policy)

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def safety_policy_file(self) -> Path:
        """The safety policy generated scripts are checked against (see checks/policy.py)."""
        return self.policy_file or self.config_dir / "safety.toml"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def default_model_file(self) -> Path:
        return self.models_dir / "gemma3-270m-q4_k_m.gguf"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def docs_cache_dir(self) -> Path:
        """Keyword (BM25) indexes derived from docs stores, keyed by the store's contents."""
        return self.data_dir / "cache" / "docs"

    @property
    def training_dir(self) -> Path:
        """Outputs of `copilot train` (corpus, tokenizer, checkpoints, exports) and converted bases."""
        return self.data_dir / "training"

    @property
    def catalogs_dir(self) -> Path:
        return self.data_dir / "catalogs"

    @property
    def sessions_dir(self) -> Path:
        """Scratch working directories for tool sessions (sta writes .history_sta there)."""
        return self.data_dir / "sessions"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.jsonl"

    @property
    def tui_history_file(self) -> Path:
        """Requests made in the TUI (questions, scripts, runs), rewritten atomically."""
        return self.data_dir / "tui-history.json"

    @property
    def logs_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def user_adapters_dir(self) -> Path:
        """The user's tool profiles: <name>/profile.toml adds a tool or overrides a shipped one."""
        return self.config_dir / "adapters"

    @property
    def shell_history_dir(self) -> Path:
        """Append-only logs of what was typed and run in `copilot shell`, one file per tool."""
        return self.data_dir / "shell"

    @property
    def server_dir(self) -> Path:
        """Socket, token and pid of `copilot serve`."""
        return self.data_dir / "server"
