"""The copilot inside a Python tool shell (OpenROAD -python, any Python REPL).

    >>> from copilot.plugin import copilot
    >>> script = copilot("report the 5 worst setup paths")          # checked script (str)
    >>> copilot("report the worst hold path", run=True, evaluate=design.evalTclString)
    >>> copilot(explain=open("flow.tcl").read())

It asks a running `copilot serve` (Unix socket) and, when none runs, the same generator
in-process (the model then loads into this process once). Scripts run only after you
confirm (yes=True skips that for valid read-only ones); a design change needs a typed
`yes` unless the `allow_modify` setting is on; a script that reaches the operating system
never runs. The script is checked again here, whatever the server said.
"""

from __future__ import annotations

import inspect
from typing import Callable

from copilot.errors import UsageError

_local = {}  # in-process fallback: one warm service per (tool, setup)


def _app():
    from copilot.context import AppContext

    if "app" not in _local:
        _local["app"] = AppContext.build()
    return _local["app"]


def _generate(request: str, tool: str | None, setup: str | None):
    from copilot.commands.common import resolve_setup
    from copilot.server.client import generate_via_server
    from copilot.shells.profile import load_profile

    app = _app()
    tool = tool or app.settings.tool
    setup_path = resolve_setup(setup or "", load_profile(tool, app.locations))
    result = generate_via_server(app, request, tool, setup_path)
    if result is not None:
        return result
    from copilot.generate.service import ScriptService

    key = (tool, str(setup_path))
    if key not in _local:
        _local[key] = ScriptService(app, tool, setup_path)
    return _local[key].generate(request)


def _explain(script: str, tool: str | None) -> str:
    from copilot.server.client import ServerClient

    app = _app()
    client = ServerClient.connect(app.locations.server_dir, app.settings.server_timeout)
    if client is not None:
        with client:
            return client.call("explain", script=script, tool=tool)["result"]["text"]
    from copilot.server.operations import explain_script, explanation_text

    return explanation_text(explain_script(app, tool or app.settings.tool, script))


def _show(result) -> None:
    print(result.script.rstrip())
    verdict = "valid" if result.valid else "NOT valid"
    ran = "tried in a scratch session" if result.ran else "not tried"
    print(f"# {verdict}; {ran}; safety: {result.safety}")
    for d in result.diagnostics:
        if d.severity != "info":
            print(f"#   line {d.line}: {d.severity}: {d.message}")


def _confirmed(result, tool: str | None, yes: bool, ask: Callable[[str], str]) -> bool:
    """Ask as copilot/checks/gate.py says; the label from the server is checked again here."""
    from copilot.checks.gate import ASK_TYPED, REFUSE, RUN, decide, static_safety, stricter
    from copilot.shells.profile import load_profile

    app = _app()
    local = static_safety(result.script, load_profile(tool or app.settings.tool, app.locations))
    level = stricter(result.safety, local.level)
    action = decide(level, result.valid, yes, app.settings.allow_modify)
    if action == REFUSE:
        why = next((d.message for d in local.diagnostics if d.severity == "error"),
                   "the script reaches the operating system" if level == "blocked"
                   else f"its safety is '{level}', not checked")
        raise UsageError(f"{why}; it will not be run.")
    if action == RUN:
        return True
    if action == ASK_TYPED:
        return ask("This script CHANGES the design or writes files. Type yes to run it: ").strip().lower() == "yes"
    return ask("Run it? [y/N] ").strip().lower() in ("y", "yes")


def copilot(request: str | None = None, *, run: bool = False, yes: bool = False,
            explain: str | None = None, tool: str | None = None, setup: str | None = None,
            evaluate: Callable[[str], object] | None = None, namespace: dict | None = None,
            quiet: bool = False, ask: Callable[[str], str] = input):
    """A checked script for `request` (printed and returned); run=True runs it after asking.

    A Tcl script runs through `evaluate` (your tool's Tcl eval, e.g. design.evalTclString);
    a Python script runs in `namespace` (the caller's globals by default). explain=SCRIPT
    returns an explanation instead.
    """
    if explain is not None:
        text = _explain(explain, tool)
        if not quiet:
            print(text, end="")
        return text
    if not request or not request.strip():
        raise UsageError('say what the script should do, e.g. copilot("report the worst setup path").')
    result = _generate(request, tool, setup)
    if not quiet or run:
        _show(result)
    if not run:
        return result.script
    if not _confirmed(result, tool, yes, ask):
        return None
    if result.language == "python":
        scope = namespace if namespace is not None else inspect.stack()[1].frame.f_globals
        exec(compile(result.script, "<copilot>", "exec"), scope)
        return None
    if evaluate is None:
        raise UsageError(f"this is a {result.language} script; pass evaluate=<your tool's "
                         f"{result.language} eval>, e.g. evaluate=design.evalTclString.")
    return evaluate(result.script)
