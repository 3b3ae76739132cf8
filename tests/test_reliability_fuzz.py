"""Property-based fuzzing: arbitrary text never makes a checker, parser or chunker raise.

Covers the Tcl checks (tree-sitter walk, lint, safety), the Python checks, the catalog's
usage parser, the docs loaders and chunker, and the summarizer's thread reader and
extraction (its alias mapping is fuzzed in test_aliases.py). Each property runs a bounded
number of examples so the suite stays fast. The safety properties go further than "does
not raise": whatever comes before it, a line that runs `exec` or imports `os` is blocked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from conftest import REPO
from copilot.catalog.catalog import Catalog
from copilot.catalog.introspect import classification_rules
from copilot.catalog.usage import parse_usage
from copilot.checks.design import DesignFacts
from copilot.checks.lint import lint_tcl
from copilot.checks.python_checks import check_python
from copilot.checks.safety import assess_tcl
from copilot.checks.tcl_tree import parse_tcl
from copilot.docs.chunking import chunk_document
from copilot.docs.document import Document, Section
from copilot.errors import InputError

CATALOG = Catalog.load(REPO / "adapters" / "opensta" / "catalog.json")
RULES = classification_rules({})
LEVELS = {"read-only", "modifying", "blocked"}
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TCL_PIECES = ["{", "}", "[", "]", '"', "\\", "$", ";", "\n", " ", "#", "{*}", "::", "\\x65",
              "exec", "set x", "report_checks -path_delay max", "get_ports {req_a[*]}",
              "proc p {a} {", "if {$x} {", "} else {", "foreach a {1 2} b {3 4} {", "switch $x {",
              "expr $a", "lsort -command", "file delete", "open \"|", "-from", "> out.rpt", "é", "\x00"]
tcl_text = st.lists(st.one_of(st.sampled_from(TCL_PIECES), st.text(max_size=6)), max_size=40).map("".join)
PY_PIECES = ["import ", "os", ".system(", "(", ")", "[", "]", ":", "\n", "    ", "def f", "lambda",
             "'", '"', "\\", "#", "design.", "evalTclString(", "__", "=", ",", "\x00", "é"]
py_text = st.lists(st.one_of(st.sampled_from(PY_PIECES), st.text(max_size=6)), max_size=40).map("".join)


@BOUNDED
@given(tcl_text)
@example("\\8")  # found by this property: an escape that is not octal
@example("\\u0065xec rm -rf /tmp/x")
def test_tcl_checks_never_raise(text):
    tree = parse_tcl(text)
    design = DesignFacts("top", ports=["clk", "req_a[0]"], cells=["u1"], nets=["n1"], pins=["u1/A"],
                         clocks=["clk"], inputs=["clk", "req_a[0]"], outputs=["out"])
    lint_tcl(tree, CATALOG, design)
    assert assess_tcl(tree, CATALOG, RULES).level in LEVELS


@BOUNDED
@given(tcl_text, st.sampled_from(["exec rm -rf /tmp/x", "file delete /tmp/x", "source /tmp/x.tcl",
                                  "eval $untrusted", "socket example.com 80", "cd /"]))
def test_an_os_reaching_line_is_blocked_whatever_comes_before_it(prefix, line):
    assert assess_tcl(parse_tcl(f"{prefix}\n{line}\n"), CATALOG, RULES).level == "blocked"


@BOUNDED
@given(py_text)
def test_python_checks_never_raise(text):
    diags, report = check_python(text, RULES)
    assert report.level in LEVELS and all(d.line >= 0 for d in diags)


@BOUNDED
@given(py_text)
def test_python_importing_os_is_blocked_unless_the_script_does_not_parse(prefix):
    diags, report = check_python(f"{prefix}\nimport os\n", RULES)
    assert report.level == "blocked" or any(d.severity == "error" and d.source == "check" for d in diags)


USAGE_PIECES = ["[", "]", "|", ">", ">>", "-flag", "-path_delay", "min|max", "value", "{", "}", "...", " ", "\n"]


@BOUNDED
@given(st.text(max_size=20), st.lists(st.one_of(st.sampled_from(USAGE_PIECES), st.text(max_size=5)),
                                      max_size=30).map("".join))
def test_usage_parser_never_raises(name, usage):
    spec = parse_usage(name, usage)
    assert all(flag.startswith("-") for flag in spec.flags)


sections = st.lists(st.builds(Section, st.text(max_size=80), st.text(max_size=4000),
                              st.one_of(st.none(), st.integers(-3, 500))), max_size=8)


@BOUNDED
@given(st.text(max_size=60), sections)
def test_chunker_never_raises_and_keeps_text(title, parts):
    passages = chunk_document(Document("doc.md", title, "markdown", parts))
    assert all(p.text.strip() for p in passages)
    if any(s.text.strip() and s.text.strip() != s.heading.strip() for s in parts):
        assert passages  # only a bare heading ("Commands") may come to nothing


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("loader-fuzz")


@BOUNDED
@given(st.sampled_from([".md", ".rst", ".html", ".txt", ".tcl", ".sdc", ".py", ".3tcl"]),
       st.one_of(st.text(max_size=3000), st.binary(max_size=600)))
def test_docs_loaders_either_load_or_say_why(scratch, suffix, content):
    from copilot.docs.loaders import load_document

    path = scratch / f"doc{suffix}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    try:
        document = load_document(path)
    except InputError:
        return  # binary, not UTF-8, empty...: one clear message, as the CLI shows it
    chunk_document(document)


@BOUNDED
@given(st.one_of(st.text(max_size=3000),
                 st.lists(st.sampled_from(["## alice (2024-01-02)\n", "### Comment by bob\n", "> quoted\n",
                                           "```\n", "Traceback (most recent call last):\n", "Error: x\n",
                                           "fixed in 2.0.18\n", "{\"comments\": [", "]}", "/proj/a/b/c/d.v ",
                                           "9b41e6f2c0d35a7e8f1b ", "\n"]), max_size=40).map("".join)))
def test_summarizer_reader_and_extraction_never_raise(text):
    from copilot.summarize.extract import command_pattern, gather_facts, score_units, split_units
    from copilot.summarize.summarizer import Summarizer
    from copilot.summarize.thread import read_thread

    try:
        thread = read_thread(text, "bug.md")
    except InputError:
        return
    units = split_units(thread)
    matcher = command_pattern({"report_checks", "read_spef"})
    score_units(units, matcher, len(thread.posts) - 1)
    gather_facts(units, matcher)
    Summarizer({"report_checks", "read_spef"}, "OpenSTA", None).summarize(thread)
