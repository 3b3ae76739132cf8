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
    from copilot.checks.policy import read_policy

    app = AppContext.build()
    values = {name: getattr(app.settings, name) for name in Settings.names()}
    path = app.locations.safety_policy_file
    policy = read_policy(path)
    if as_json:
        click.echo(json.dumps({
            "config_file": str(app.locations.config_file),
            "data_dir": str(app.locations.data_dir),
            "settings": {n: {"value": v, "source": app.sources[n]} for n, v in values.items()},
            "safety_policy": {"file": str(path), "exists": path.is_file(),
                              "blocked": list(policy.blocked), "allowed": list(policy.allowed),
                              "tools": {t: {"blocked": list(p.blocked), "allowed": list(p.allowed)}
                                        for t, p in policy.tools.items()}},
        }, indent=2))
        return
    click.echo(f"# config file: {app.locations.config_file}")
    click.echo(f"# data dir:    {app.locations.data_dir}")
    width = max(map(len, values))
    for name, value in values.items():
        click.echo(f"{name:<{width}} = {value!r:<28} # {app.sources[name]}")
    if path.is_file():
        tools = "".join(f"; [tools.{t}] blocked {list(p.blocked)}, allowed {list(p.allowed)}"
                        for t, p in policy.tools.items())
        click.echo(f"# safety policy {path}: blocked {list(policy.blocked)}, allowed "
                   f"{list(policy.allowed)}{tools}")
    else:
        click.echo(f"# safety policy: shipped rules only (a team adds {path}, or sets "
                   f"COPILOT_SAFETY_POLICY; see docs/reliability.md)")
