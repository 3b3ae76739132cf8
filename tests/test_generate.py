"""`copilot generate`: the JSON contract, checks, the tool as judge, repair, bad input."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import needs_sta
from copilot.cli import cli

CONTRACT = {"script", "language", "valid", "diagnostics", "ran", "output", "attempts", "seconds"}


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False, standalone_mode=False)
    return result


def gen_json(*args: str) -> dict:
    result = run_cli("generate", *args, "--json")
    return json.loads(result.stdout)


@needs_sta
def test_json_contract_with_a_good_script(fake_model):
    fake_model(["report_checks -path_delay max -group_count 2\n# End\n"])
    data = gen_json("report two setup paths", "--setup", "demo")
    assert set(data) == CONTRACT
    assert data["valid"] is True and data["ran"] is True and data["attempts"] == 1
    assert data["language"] == "tcl"
    assert "slack (VIOLATED)" in data["output"]
    assert data["diagnostics"] == []


@pytest.fixture
def demo_bench(app):
    from copilot import resources
    from copilot.generate.workbench import open_workbench

    bench = open_workbench(app, "opensta", resources.demo_setup())
    yield bench
    bench.close()


def make_generator(app, bench, answers, examples=()):
    from conftest import FakeModel
    from copilot.generate.examples import Example, ExampleBank
    from copilot.generate.pipeline import Generator

    model = FakeModel(answers)
    bank = ExampleBank([Example(f"ex-{i}", r, s) for i, (r, s) in enumerate(examples)])
    return model, Generator(model, bank, bench, app.settings)


@needs_sta
def test_tool_error_triggers_repair_with_the_error_in_the_prompt(app, demo_bench):
    model, gen = make_generator(app, demo_bench, [
        "report_tns\nreport_wns [expr {1 / 0}]\n", "report_tns\nreport_wns\n"])
    result = gen.generate("total negative slack and worst negative slack")
    assert result.valid and result.script == "report_tns\nreport_wns\n"
    sources = [a.source for a in result.history]
    assert sources[0] == "model" and sources[-1] == "model repair" and "model repair" not in sources[:-1]
    assert "Error: divide by zero" in model.prompts[1]  # the live tool's error, fed back
    assert result.output.startswith("tns")


@needs_sta
def test_retrieved_example_is_adapted_to_the_request(app, demo_bench):
    """The model copies a near example; grounding fixes its objects, numbers and flags."""
    examples = [("show the 2 worst setup paths to port busy in end format",
                 "report_checks -to [get_ports busy] -group_count 2 -format end")]
    _, gen = make_generator(app, demo_bench, [examples[0][1] + "\n"], examples)
    result = gen.generate("list the 3 worst hold paths to port resp_valid as a summary")
    assert result.valid and result.ran
    script = result.script
    # One endpoint: 3 paths to it is -endpoint_count (-group_count 3 would still show one).
    assert "-path_delay min" in script and "-endpoint_count 3" in script and "-group_count" not in script
    assert "-format summary" in script and "resp_valid" in script and "busy" not in script


@needs_sta
def test_warning_only_mistake_is_not_valid(app, demo_bench):
    # The pattern is a variable, so only the live tool can tell the port is not there.
    _, gen = make_generator(app, demo_bench, [
        "set p nothere\nset_input_delay 0.3 -clock clk [get_ports $p]\nreport_tns\n"])
    gen.settings = dataclasses.replace(app.settings, attempts=1)
    result = gen.generate("set an input delay on a port and report tns")
    assert result.ran is True and result.valid is False
    assert [(d.line, d.severity, d.message) for d in result.diagnostics if d.severity != "info"] == [
        (2, "warning", "port 'nothere' not found.")]


@pytest.fixture
def bare_bench(app):
    from copilot.generate.workbench import open_workbench

    return open_workbench(app, "opensta", None)  # catalog checks only, no tool session


def test_os_reaching_script_is_never_run(app, bare_bench):
    _, gen = make_generator(app, bare_bench, ["exec rm -rf /tmp/x\n"])
    result = gen.generate("delete my files")
    assert result.ran is False and result.valid is False and result.safety == "blocked"
    assert any("operating system" in d.message for d in result.diagnostics)


def test_unknown_flag_is_caught_without_a_tool(app, bare_bench):
    _, gen = make_generator(app, bare_bench, ["report_wns -max\n"])
    gen.settings = dataclasses.replace(app.settings, attempts=1)
    result = gen.generate("worst slack")
    assert result.ran is False and result.valid is False
    assert result.to_json()["diagnostics"][0] == {"line": 1, "severity": "error",
                                                  "message": "report_wns: unknown flag -max"}


def cli_line(*args: str, env=None, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "copilot", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


@pytest.mark.parametrize("args,needle", [
    (["generate", "   ", "--tool", "opensta"], "request is empty"),
    (["generate", "x", "--tool", "vivado"], "unknown tool 'vivado'"),
    (["generate", "x", "--setup", "/no/such/setup.tcl"], "does not exist"),
])
def test_bad_input_is_one_line_exit_2(args, needle):
    out = cli_line(*args)
    assert out.returncode == 2, out.stderr
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_missing_sta_is_one_line(monkeypatch):
    monkeypatch.setenv("COPILOT_STA", "/no/such/sta")
    out = cli_line("generate", "report tns", "--setup", "demo")
    assert out.returncode == 2 and "not installed" in out.stderr and "apt-get install opensta" in out.stderr


@needs_sta
def test_setup_that_fails_in_the_tool(tmp_path):
    setup = tmp_path / "setup.tcl"
    setup.write_text("read_verilog /no/such/netlist.v\n")
    out = cli_line("generate", "report tns", "--setup", str(setup))
    assert out.returncode == 2 and "setup script" in out.stderr and "Traceback" not in out.stderr


def test_binary_setup_file(tmp_path):
    setup = tmp_path / "setup.tcl"
    setup.write_bytes(b"\xff\xfe\x00binary")
    out = cli_line("generate", "report tns", "--setup", str(setup))
    assert out.returncode == 2 and "not UTF-8" in out.stderr


def test_corrupt_model_file(tmp_path):
    model = tmp_path / "broken.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 100)
    out = cli_line("generate", "report tns", "--model", str(model))
    assert out.returncode == 2 and "could not load" in out.stderr and "Traceback" not in out.stderr


def test_no_disk_space_for_the_model(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    from copilot.errors import ModelError
    from copilot.model.embedded import ensure_default_model

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10, 10, 1024))
    with pytest.raises(ModelError, match="not enough disk space"):
        ensure_default_model(tmp_path / "m.gguf")
    assert not (tmp_path / "m.gguf").exists()


@needs_sta
@pytest.mark.slow
def test_real_model_end_to_end(real_model_home):
    """The embedded Gemma 3 270M through llama.cpp, checked and run in real sta."""
    out = cli_line("generate", "report the worst setup path", "--setup", "demo", "--json",
                   "--attempts", "2", timeout=600)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == CONTRACT
    assert data["script"].strip() and data["attempts"] >= 1
    assert isinstance(data["diagnostics"], list)


@needs_sta
def test_repair_of_a_script_that_failed_elsewhere(fake_model):
    """The TUI sends a script that failed in the user's session straight to the repair prompt."""
    from copilot.context import AppContext
    from copilot.diagnostics import Diagnostic
    from copilot.generate.result import Attempt
    from copilot.generate.service import ScriptService
    from copilot.shells.profile import load_profile

    model = fake_model(["report_tns\n"])
    failed = Attempt("report_wns -max\n", [Diagnostic(1, "error", "report_wns -max is not valid", "tool")], ran=True)
    service = ScriptService(AppContext.build(), "opensta", load_profile("opensta").demo_setup_path())
    try:
        result = service.generate("total negative slack", repair=failed)
    finally:
        service.close()
    assert len(model.prompts) == 1 and "report_wns -max is not valid" in model.prompts[0]
    assert "report_wns -max" in model.prompts[0]
    # The repaired script competes with adapted examples; it is tried, and the result runs.
    assert any(a.source == "model" and a.script == "report_tns\n" for a in result.history)
    assert result.valid and result.ran


class FakeChatModel:
    """A model with a chat template: renders messages as tagged turns, answers in a fence."""

    name = "fake-chat"

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def complete(self, prompt, *, max_tokens, temperature=0.0, stop=(), grammar=None, seed=None,
                 on_token=None, until=None):
        from copilot.model.base import Completion

        self.prompts.append(prompt)
        return Completion(self.answer, 1, 1, 0.01, 0.001, "stop")

    def chat_template(self):
        return "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}<assistant>"

    def render_chat(self, messages):
        text = "".join(f"<{m['role']}>{m['content']}" for m in messages) + "<assistant>"
        return text, ["<end>"]

    def count_tokens(self, text):
        return len(text.split())


def test_chat_models_get_their_template_with_examples_as_turns(app, bare_bench):
    from copilot.generate.examples import Example, ExampleBank
    from copilot.generate.pipeline import Generator

    model = FakeChatModel("Here it is:\n```tcl\nreport_tns -digits 3\n```\n")
    bank = ExampleBank([Example("ex-1", "tns please", "report_tns")])
    result = Generator(model, bank, bare_bench, app.settings).generate("tns with 3 digits")
    prompt = model.prompts[0]
    assert prompt.startswith("<system>You write short") and "<user>tns please<assistant>```tcl\nreport_tns" in prompt
    assert prompt.endswith("<user>tns with 3 digits<assistant>")
    assert result.script == "report_tns -digits 3\n" and result.valid


@pytest.mark.slow
def test_llama_model_renders_a_gguf_chat_template(real_model_home, app):
    from copilot.model.registry import load_model

    model = load_model(app)
    assert model.render_chat([{"role": "user", "content": "hi"}]) is None  # base model
    model.llm.metadata["tokenizer.chat_template"] = (
        "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}[assistant] {% endif %}")
    prompt, stops = model.render_chat([{"role": "user", "content": "hi"}])
    assert prompt.endswith("[user] hi\n[assistant] ")
