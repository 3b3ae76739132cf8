"""The Python adapter on a real python3 REPL: lines, warnings, hang, crash, interrupt."""

from __future__ import annotations

import os
import signal

import pytest

from conftest import have
from copilot.shells.base import ToolSession
from copilot.shells.factory import open_session
from copilot.shells.profile import load_profile

pytestmark = pytest.mark.skipif(not have("python3"), reason="python3 not installed")


@pytest.fixture
def py(app, tmp_path):
    session = open_session(app, load_profile("python3"), tmp_path, timeout=5)
    yield session
    session.close()


def test_error_on_line_n_of_a_multi_line_script(py):
    assert isinstance(py, ToolSession)
    result = py.run_script("total = 0\nfor i in range(3):\n    total += i\nprint('total', total)\n"
                           "rows = {'a': 1}\n\nprint(rows['b'])\nprint('never')\n")
    assert result.status == "error" and result.output == "total 3"
    assert [(d.line, d.severity) for d in result.diagnostics] == [(7, "error")]
    assert result.diagnostics[0].message == "KeyError: 'b'"


def test_error_inside_a_function_names_the_line_that_raised(py):
    result = py.run_script("def ratio(a, b):\n    return a / b\n\nprint(ratio(1, 0))\n")
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (2, "ZeroDivisionError: division by zero")]


def test_syntax_error_is_reported_before_anything_runs(py):
    result = py.run_script("print('first')\nif True\n    print('x')\n")
    assert result.status == "error" and result.output == ""
    assert result.diagnostics[0].line == 2 and "SyntaxError" in result.diagnostics[0].message


def test_warning_only_mistakes_are_flagged_on_their_lines(py):
    result = py.run_script("import warnings\nn = 1\nif n is 1:\n    print('one')\n"
                           "def old():\n    warnings.warn('old() is deprecated', DeprecationWarning)\n"
                           "old()\n")
    assert result.status == "ok" and not result.clean and "one" in result.output.splitlines()
    found = [(d.line, d.severity, d.message.split(":")[0]) for d in result.diagnostics]
    assert found == [(3, "warning", "SyntaxWarning"), (6, "warning", "DeprecationWarning")]


def test_scripts_share_the_repl_namespace_and_exit_does_not_end_it(py):
    assert py.run_script("design = 'demo'").clean
    result = py.run_script("print(design)\nraise SystemExit(3)\n")
    assert result.output == "demo" and result.diagnostics[0].line == 2
    assert py.run_script("print(design)").output == "demo" and py.restarts == 0


def test_hang_is_interrupted_and_the_namespace_kept(py):
    py.run_script("kept = 41")
    py.timeout = 1
    result = py.run_script("import time\nprint('start')\nwhile True:\n    time.sleep(0.01)\n")
    assert result.status == "timeout" and result.output.startswith("start")
    assert "interrupted" in result.diagnostics[-1].message and py.restarts == 0
    py.timeout = 5
    assert py.run_script("print(kept + 1)").output == "42"


def test_crash_is_survived_with_the_setup_replayed(py, tmp_path):
    setup = tmp_path / "setup.py"
    setup.write_text("design = 'replayed'\n")
    py.load_setup(setup)
    result = py.run_script("import os\nprint('bye', flush=True)\nos._exit(9)\n")
    assert result.status == "crashed" and result.diagnostics[-1].line == 3
    assert py.run_script("print(design)").output == "replayed" and py.restarts == 1
    os.kill(py._child.pid, signal.SIGKILL)
    assert py.run_script("print(design)").output == "replayed" and py.restarts == 2


def test_python_profile_catalog_comes_from_its_api_stub(app, tmp_path):
    from copilot.catalog.catalog import Catalog
    from copilot.catalog.introspect import classification_rules
    from copilot.catalog.pyi import add_stub_commands
    from conftest import REPO

    stub = REPO / "adapters" / "openroad-python" / "openroad.pyi"
    catalog = add_stub_commands(Catalog("openroad-python", "x"), stub,
                                classification_rules({"modify": ["read*", "write*", "link"]}))
    assert catalog.commands["Design.readDef"].positionals == ["path"]
    assert catalog.commands["Design.readDef"].kind == "modify"
    assert "Tech.__init__" not in catalog.commands and "Timing.getPinSlack" in catalog.commands


@pytest.mark.parametrize("script,level,line", [
    ("total = sum(range(4))\nprint(total)\n", "read-only", 0),
    ("x = 1\nimport subprocess\nsubprocess.run(['rm', '-rf', '/'])\n", "blocked", 2),
    ("print(open('/etc/passwd').read())\n", "blocked", 1),
    ("print(().__class__.__bases__)\n", "blocked", 1),
    ("design.readDef('top.def')\n", "modifying", 1),
])
def test_python_scripts_are_checked_for_safety(script, level, line):
    from copilot.catalog.introspect import classification_rules
    from copilot.checks.python_checks import check_python

    diags, safety = check_python(script, classification_rules({"modify": ["read*", "write*"]}))
    assert safety.level == level
    if line:
        assert diags[0].line == line


def test_python_syntax_error_is_a_check_error():
    from copilot.checks.python_checks import check_python

    diags, safety = check_python("for x in y\n    pass\n", {})
    assert diags[0].line == 1 and diags[0].severity == "error" and "SyntaxError" in diags[0].message
