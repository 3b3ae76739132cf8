"""`copilot doctor`: one line per component with a fix-it hint for what is missing."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of checks.")
def doctor(as_json: bool) -> None:
    """Check every component and say how to fix what is missing.

    Exit code 0 when every required component works, 1 otherwise.
    """
    from copilot.context import AppContext
    from copilot.health import run_checks

    app = AppContext.build()
    checks = run_checks(app)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in checks], indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            hint = f"  -> {c.fix}" if c.fix and c.status != "ok" else ""
            click.echo(f"{c.status:<4}  {c.name:<{width}}  {c.detail}{hint}")
    if any(c.status == "FAIL" and c.required for c in checks):
        raise SystemExit(1)
