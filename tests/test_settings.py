"""Settings precedence: flags > config.toml > COPILOT_* env vars > defaults."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from copilot.context import AppContext
from copilot.errors import SettingsError
from copilot.locations import Locations
from copilot.settings import Settings


def write_config(home, text: str) -> None:
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_defaults_when_nothing_is_set(copilot_home):
    app = AppContext.build()
    assert app.settings == Settings()
    assert set(app.sources.values()) == {"default"}


def test_env_overrides_default(copilot_home, monkeypatch):
    monkeypatch.setenv("COPILOT_THREADS", "3")
    monkeypatch.setenv("COPILOT_GRAMMAR", "yes")
    app = AppContext.build()
    assert app.settings.threads == 3 and app.settings.grammar is True
    assert app.sources["threads"] == "env COPILOT_THREADS"


def test_config_overrides_env_and_flag_overrides_config(copilot_home, monkeypatch):
    monkeypatch.setenv("COPILOT_THREADS", "3")
    monkeypatch.setenv("COPILOT_TIMEOUT", "9")
    write_config(copilot_home, "threads = 5\nattempts = 2\n")
    app = AppContext.build({"attempts": 4, "tool": None})
    assert app.settings.threads == 5  # config beats env
    assert app.settings.timeout == 9.0  # env beats default
    assert app.settings.attempts == 4  # flag beats config
    assert app.settings.tool == "opensta"  # a flag left unset changes nothing
    assert app.sources["attempts"] == "flag"
    assert app.sources["threads"].startswith("config ")


@pytest.mark.parametrize("text,needle", [
    ("threads = 'many'\n", "'threads' must be int"),
    ("colour = 1\n", "unknown setting 'colour'"),
    ("threads = [\n", "not valid TOML"),
])
def test_bad_config_is_a_clear_error(copilot_home, text, needle):
    write_config(copilot_home, text)
    with pytest.raises(SettingsError, match=needle):
        AppContext.build()


def test_locations_follow_xdg_without_copilot_home():
    loc = Locations.from_environ({"HOME": "/h", "XDG_DATA_HOME": "/d"})
    assert str(loc.config_file) == "/h/.config/eda-copilot/config.toml"
    assert str(loc.models_dir) == "/d/eda-copilot/models"


def test_every_setting_is_documented():
    for name in Settings.names():
        assert len(Settings.doc(name)) > 10, name


def test_config_command_shows_value_and_source(copilot_home):
    write_config(copilot_home, "attempts = 2\n")
    out = subprocess.run([sys.executable, "-m", "copilot", "config", "--json"],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)["settings"]
    assert data["attempts"] == {"value": 2, "source": f"config {copilot_home / 'config.toml'}"}
    assert data["tool"]["source"] == "default"
