"""The CLI stays light: no heavy library is imported just to show help."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["llama_cpp", "chromadb", "torch", "transformers", "sentence_transformers", "jedi",
         "textual", "tree_sitter", "pexpect"]


def test_import_cli_does_not_load_heavy_libraries():
    code = ("import sys, copilot.cli; heavy = %r; "
            "print([m for m in heavy if m in sys.modules])" % HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_commands_without_importing_them():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom copilot.cli import cli\n"
            "r = CliRunner().invoke(cli, ['--help'])\nprint(r.exit_code)\n"
            "print([m for m in sys.modules if m.startswith('copilot.commands.')])\nprint(r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code_line, modules, *help_text = out.stdout.splitlines()
    assert code_line == "0" and modules == "[]"
    assert "generate" in "\n".join(help_text)


def test_unknown_command_is_one_line_exit_2():
    out = subprocess.run([sys.executable, "-m", "copilot", "frobnicate"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
