"""`copilot config`: every setting's effective value and its source."""

from __future__ import annotations

import json

import click

from copilot.context import AppContext
from copilot.settings import Settings


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def config(as_json: bool) -> None:
    """Show each setting's effective value and where it came from.

    Precedence: command-line flags > config.toml > COPILOT_* env vars > defaults.
    """
    app = AppContext.build()
    values = {name: getattr(app.settings, name) for name in Settings.names()}
    if as_json:
        click.echo(json.dumps({
            "config_file": str(app.locations.config_file),
            "data_dir": str(app.locations.data_dir),
            "settings": {n: {"value": v, "source": app.sources[n]} for n, v in values.items()},
        }, indent=2))
        return
    click.echo(f"# config file: {app.locations.config_file}")
    click.echo(f"# data dir:    {app.locations.data_dir}")
    width = max(map(len, values))
    for name, value in values.items():
        click.echo(f"{name:<{width}} = {value!r:<28} # {app.sources[name]}")
