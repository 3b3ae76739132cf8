"""`copilot explain`: the JSON contract, sources, problems with lines, long files, Python, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from conftest import REPO
from copilot.cli import cli

DATA = Path(__file__).parent / "data" / "explain"
DEMO_SDC = REPO / "adapters" / "opensta" / "demo" / "demo_core.sdc"


def explain_json(*args: str, stdin: str | None = None) -> dict:
    result = CliRunner().invoke(cli, ["explain", *args, "--json"], input=stdin,
                                catch_exceptions=False, standalone_mode=False)
    return json.loads(result.stdout)


def by_line(data: dict) -> dict[int, dict]:
    return {entry["line"]: entry for entry in data["lines"]}


def test_json_contract_on_the_demo_constraints():
    data = explain_json(str(DEMO_SDC), "--no-model")
    assert set(data) == {"summary", "lines", "diagnostics"}
    assert all(set(entry) == {"line", "code", "explanation", "sources"} for entry in data["lines"])
    lines = by_line(data)
    clock = lines[2]
    assert clock["code"] == "create_clock -name clk -period 2.0 [get_ports clk]"
    assert "Defines a clock" in clock["explanation"]
    assert "-period 2.0: the clock period" in clock["explanation"]
    assert "the ports clk" in clock["explanation"]
    assert clock["sources"][0] == "opensta 2.0.17 help: create_clock"
    assert "Sets 7 constraints" in data["summary"] and "the clocks clk" in data["summary"]
    assert data["diagnostics"] == []


def test_problems_come_with_their_line_numbers(tmp_path):
    script = tmp_path / "bad.tcl"
    script.write_text("report_checks -path_delay max\n"          # 1 fine
                      "report_wns -max\n"                          # 2 unknown flag
                      "report_chekcs\n"                            # 3 unknown command
                      "report_units\n"                             # 4 not in this version
                      "exec rm -rf /tmp/x\n")                      # 5 reaches the OS
    data = explain_json(str(script), "--no-model")
    found = {(d["line"], d["severity"]) : d["message"] for d in data["diagnostics"]}
    assert all(set(d) == {"line", "severity", "message"} for d in data["diagnostics"])
    assert found[(2, "error")] == "report_wns: unknown flag -max"
    assert "did you mean report_checks" in found[(3, "error")]
    assert "does not exist in opensta 2.0.17" in found[(4, "error")]
    assert found[(5, "error")] == ("'exec' reaches the operating system (runs another program); risky: review it before running "
                                   "(the copilot never runs it unasked)")
    assert "-path_delay max: which checks: max = setup" in by_line(data)[1]["explanation"]
    assert "Runs an operating-system program" in by_line(data)[5]["explanation"]


def test_a_flag_given_twice_is_flagged_unless_it_marks_a_point_on_the_path(tmp_path):
    script = tmp_path / "twice.tcl"
    script.write_text("report_checks -group_count 3 -format end -group_count 5\n"
                      "report_checks -through [get_pins _323_/Q] -through [get_pins _331_/D]\n")
    data = explain_json(str(script), "--no-model")
    assert [(d["line"], d["severity"], d["message"]) for d in data["diagnostics"]] == [
        (1, "warning", "report_checks: -group_count is given more than once; only the last one counts")]


def test_syntax_error_is_reported_at_its_line(tmp_path):
    script = tmp_path / "broken.tcl"
    script.write_text("report_tns\nforeach p [all_outputs] {\n  puts $p\n")
    data = explain_json(str(script), "--no-model")
    assert [(d["line"], d["severity"]) for d in data["diagnostics"]] == [(2, "error")]
    assert data["diagnostics"][0]["message"].startswith("syntax:")


def test_long_sdc_is_explained_in_sections_with_progress():
    result = CliRunner().invoke(cli, ["explain", str(DATA / "soc_top.sdc"), "--no-model"],
                                catch_exceptions=False, standalone_mode=False)
    assert "explain: section 1/6 (lines 6-59)" in result.stderr
    assert "explain: section 6/6" in result.stderr
    assert "== lines 61-120: Sets 59 constraints: set_input_delay x59." in result.stdout
    # A PrimeTime command and a newer flag are version gaps in OpenSTA 2.0.17.
    assert "line 172: error: unknown command 'remove_from_collection'" in result.stdout
    assert "line 316: error: report_check_types: unknown flag -max_capacitance" in result.stdout
    data = explain_json(str(DATA / "soc_top.sdc"), "--no-model")
    assert len(data["lines"]) == 283 and data["lines"][-1]["line"] == 316
    nested = by_line(data)[312]
    assert nested["code"].startswith("report_checks -path_group $g")
    assert "-path_group $g: only paths of these path groups" in nested["explanation"]


def test_every_shipped_example_script_explains_cleanly():
    """The copilot's own verified scripts: every command known, explained and cited."""
    from copilot.context import AppContext
    from copilot.explain import build_explainer
    from copilot.input_files import InputText

    explainer = build_explainer(AppContext.build(), "opensta", use_model=False)
    examples = [json.loads(l) for l in (REPO / "adapters/opensta/examples.jsonl").read_text().splitlines() if l]
    assert len(examples) > 300
    for example in examples:
        result = explainer.explain(InputText(example["id"], example["script"] + "\n"))
        # Some examples use `file size` (blocked by the safety policy, still explained).
        errors = [d for d in result.diagnostics if d.source == "syntax" or "unknown command" in d.message]
        assert errors == [], (example["id"], errors)
        for line in result.lines:
            assert line.explanation and "not a command" not in line.explanation, (example["id"], line)
            assert line.sources, (example["id"], line)


def test_model_sentence_is_kept_only_when_grounded(fake_model, tmp_path):
    script = tmp_path / "loop.tcl"
    script.write_text("foreach p [all_outputs] {\n  puts [get_full_name $p]\n}\n")
    model = fake_model(["print the full name of every output port", "print the ports resp_data[5]"])
    data = explain_json(str(script))
    loop = by_line(data)[1]
    assert "Purpose (model): print the full name of every output port." in loop["explanation"]
    assert loop["sources"][-1] == "model: fake (unverified)"
    assert "foreach p [all_outputs]" in model.prompts[0] and "# The code above:" in model.prompts[0]
    # The summary's sentence named a port the script never mentions: dropped.
    assert "resp_data" not in data["summary"] and "Purpose" not in data["summary"]


def test_grounding_drops_copied_example_details():
    from copilot.grounding import grounded

    code = "report_checks -path_delay min -group_count $n"
    examples = "report_checks -path_delay min -group_count 8\nreport_checks -to [get_ports busy]"
    assert grounded("report the 8 worst hold paths", code, examples) is None
    assert grounded("report the worst hold paths", code, examples) == "report the worst hold paths"
    assert grounded("report the worst paths to busy", code, examples) is None
    assert grounded("report_checks -path_delay min", code, examples) is None
    assert grounded("set_load on u_core/reg_1/D", code, examples) is None


def test_python_script_gets_syntax_and_outline(tmp_path):
    good = tmp_path / "flow.py"
    good.write_text('import os\nos.system("make")\n\ndef run(design):\n    """Run the flow."""\n    return design\n')
    data = explain_json(str(good), "--no-model")
    assert [l["explanation"] for l in data["lines"]] == ["Imports os.", "Calls os.system.",
                                                         "Defines the function run(design): Run the flow."]
    assert data["diagnostics"] == [{"line": 2, "severity": "warning", "message": "'os.system' runs a shell command"}]
    assert "syntax check and an outline" in data["summary"]
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ndef f(:\n    pass\n")
    data = explain_json(str(bad), "--no-model")
    assert data["diagnostics"][0]["line"] == 2 and data["diagnostics"][0]["message"].startswith("python syntax:")


def test_stdin_is_read_with_dash():
    data = explain_json("-", "--no-model", stdin="report_tns -digits 3\n")
    assert data["lines"][0]["code"] == "report_tns -digits 3"
    assert "total negative slack" in data["lines"][0]["explanation"]


def test_docs_citation_is_added_when_an_index_answers():
    from copilot.checks.tcl_tree import parse_tcl
    from copilot.explain.citations import DocsCitations
    from copilot.explain.describe import ScriptContext, describe
    from copilot.catalog.catalog import Catalog
    from copilot.explain.notes import load_notes

    class FakeRetriever:  # the Retriever contract: search(query, k, mode) -> hits with .passage
        def search(self, query, k=8, mode="hybrid"):
            passage = SimpleNamespace(text=f"{query}\nusage text", source="/usr/share/doc/sta/manual.pdf",
                                      title=f"{query} command", page=12)
            return [SimpleNamespace(passage=passage)]

    catalog = Catalog.load(REPO / "adapters/opensta/catalog.json")
    tree = parse_tcl("report_tns\n")
    ctx = ScriptContext(catalog, load_notes("opensta"), tree, DocsCitations(FakeRetriever()))
    _, sources = describe(tree.commands[0], ctx)
    assert sources[-1] == "docs: report_tns command (/usr/share/doc/sta/manual.pdf, page 12)"


def cli_line(*args: str, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "copilot", *args], capture_output=True,
                          input=stdin, timeout=120)


@pytest.mark.parametrize("content,needle", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary file"),
    ("set x caf\u00e9\n".encode("latin-1"), "not UTF-8"),
    (b"# only a comment\n", "runs no command"),
    (b"Hello team, the timing run crashed again last night.\nPlease have a look when you can.\n",
     "does not look like a script"),
])
def test_bad_inputs_are_one_clear_line(tmp_path, content, needle):
    path = tmp_path / "input.tcl"
    path.write_bytes(content)
    out = cli_line("explain", str(path), "--no-model")
    err = out.stderr.decode()
    assert out.returncode == 2 and needle in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_huge_and_missing_inputs_are_refused(tmp_path):
    huge = tmp_path / "huge.tcl"
    huge.write_text("report_tns\n" * 120_000)
    out = cli_line("explain", str(huge))
    assert out.returncode == 2 and b"more than the 1.0 MB" in out.stderr
    many = tmp_path / "many.tcl"
    many.write_text("report_tns\n" * 6000)
    out = cli_line("explain", str(many))
    assert out.returncode == 2 and b"explain reads at most 5000" in out.stderr
    out = cli_line("explain", str(tmp_path / "nope.tcl"))
    assert out.returncode == 2 and b"does not exist" in out.stderr


@pytest.mark.slow
def test_real_model_explanation_is_grounded_or_absent(real_model_home, tmp_path):
    script = tmp_path / "slack.tcl"
    script.write_text("foreach p [all_outputs] {\n  puts [get_full_name $p]\n}\nreport_checks -path_delay min\n")
    data = explain_json(str(script))
    loop = by_line(data)[1]
    assert loop["explanation"].startswith("Loops p over all output ports")
    if "Purpose (model)" in loop["explanation"]:
        assert loop["sources"][-1].startswith("model: gemma3-270m")
    assert "-path_delay min: which checks" in by_line(data)[4]["explanation"]


def test_block_prompt_renders_nearest_examples_last():
    from copilot.explain.narrate import Narrator
    from copilot.generate.examples import ExampleBank
    from copilot import prompts

    narrator = Narrator(lambda: None, "OpenSTA", ExampleBank.for_tool("opensta"))
    code = "foreach p [all_outputs] {\n  puts [get_full_name $p]\n}"
    examples = narrator.nearest(code)
    text = prompts.render("explain_block.j2", tool_title="OpenSTA", code=code, examples=examples).rstrip()
    assert text.endswith(code + "\n# The code above:")
    assert text.count("# The code above:") == len(examples) + 1 == 4
    assert "all_outputs" in examples[-1].script


def test_docs_citation_prefers_the_section_on_the_command():
    from copilot.explain.citations import DocsCitations

    def hit(title, source, text=""):
        return SimpleNamespace(passage=SimpleNamespace(title=title, source=source, text=text or title, page=44))

    class FakeRetriever:
        def search(self, query, k=8, mode="hybrid"):
            return [hit("opensta 2.0.17 commands (live tool catalog) — set_input_delay", "tool:opensta"),
                    hit("OpenSTA — set_input_delay (continued)", "OpenSTA-2.0.pdf"),
                    hit("OpenSTA — check_setup", "OpenSTA-2.0.pdf", "-no_input_delay: set_input_delay"),
                    hit("OpenSTA — set_input_delay", "OpenSTA-2.0.pdf")]

    assert DocsCitations(FakeRetriever()).cite("set_input_delay") == \
        "docs: OpenSTA — set_input_delay (OpenSTA-2.0.pdf, page 44)"
