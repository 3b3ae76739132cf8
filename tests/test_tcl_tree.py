"""Tcl parsing edge cases the tree-sitter grammar gets wrong and parse_tcl corrects."""

from __future__ import annotations

from copilot.checks.tcl_tree import parse_tcl


def test_brackets_inside_braces_are_not_counted_as_unbalanced():
    # The ';' after a substitution makes an ERROR node; the braces with brackets inside an
    # if-test used to make the whole script look unbalanced and hide every lint finding.
    script = 'if {[llength $x] > 0} { puts yes }\nset_load 0.1 [all_outputs]; report_tns\n'
    assert parse_tcl(script).syntax == []


def test_semicolon_after_a_substitution_starts_a_new_command():
    tree = parse_tcl("set_input_delay 2.0 -clock clk [get_ports in1]; report_tns -digits 3\n")
    top = [(c.name, [w.text for w in c.words]) for c in tree.commands if not c.nested]
    assert top == [("set_input_delay", ["2.0", "-clock", "clk", "[get_ports in1]"]),
                   ("report_tns", ["-digits", "3"])]


def test_really_unbalanced_script_is_still_an_error():
    tree = parse_tcl("foreach p [all_outputs] {\n  puts $p\n")
    assert tree.syntax and tree.syntax[0].severity == "error"
