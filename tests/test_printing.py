"""Printed lines reshaped into the request's templates (`PORT SLACK`, 3 decimals)."""

from __future__ import annotations

import pytest

from conftest import needs_sta
from copilot.generate.hints import load_lexicon
from copilot.generate.printing import conformity, reshape, templates
from test_generate import demo_bench, make_generator  # noqa: F401 (a fixture)


def shapes(text: str):
    return templates(text, load_lexicon("opensta")["placeholders"])


def test_placeholders_literals_and_decimals():
    [t] = shapes("print `period P wns W` per step, P with 1 decimal and W the slack with 3 decimals")
    assert t.parts == (("text", "period "), ("slot", "P"), ("text", " wns "), ("slot", "W"))
    assert dict(t.decimals) == {"P": 1, "W": 3}
    [t] = shapes("print `P WNS` per step, WNS the worst setup slack with 3 decimals, P with 1 decimal")
    assert t.slots == ["P", "WNS"] and dict(t.decimals) == {"P": 1, "WNS": 3}  # "WNS the ..." defines it
    [t] = shapes("print `TNS = X` with 4 decimals")
    assert t.slots == ["X"] and t.default_decimals == 4  # TNS is printed as it is
    [t] = shapes("for each uncertainty print `U WNS`, with the worst setup slack in 3 decimals")
    assert t.slots == ["U", "WNS"]  # last in the line: the metric's value, not its name
    assert dict(t.decimals) == {"WNS": 3} and t.default_decimals is None  # the slack's decimals, not U's


def test_one_line_of_values_becomes_one_line_per_template():
    temps = shapes("two lines `setup: X` and `hold: Y`, values with 4 decimals")
    script = 'set s [sta::worst_slack -max]\nset h [sta::worst_slack -min]\nputs [format "%.3f %.3f" $s $h]\n'
    out = reshape(script, temps)
    assert out.endswith('puts [format "setup: %.4f" $s]\nputs [format "hold: %.4f" $h]\n')
    assert conformity(out, temps) == 2.0 and conformity(script, temps) == -2.0


def test_padding_and_literal_text_follow_the_template():
    temps = shapes("for each input port print `PORT N` where N is its fanout count")
    script = 'foreach p [all_inputs] {\n  puts [format "%-10s %d" [get_full_name $p] [llength $x]]\n}\n'
    assert reshape(script, temps) == \
        'foreach p [all_inputs] {\n  puts [format "%s %d" [get_full_name $p] [llength $x]]\n}\n'
    temps = shapes("formatted as `inputs N outputs M`, and `resp_data[i] 100%`")
    out = reshape('puts "in: [llength [all_inputs]] out: [llength [all_outputs]]"\n', temps)
    assert out == 'puts [format "inputs %s outputs %s" [llength [all_inputs]] [llength [all_outputs]]]\n'


@pytest.mark.parametrize("script", ["report_checks\n", 'puts "a b c"\n', "puts [format %s $x $y]\n"])
def test_scripts_it_cannot_map_are_left_alone(script):
    assert reshape(script, shapes("print `NAME SLACK`")) is None


@needs_sta
def test_generator_prints_in_the_requested_shape(app, demo_bench):
    _, gen = make_generator(app, demo_bench, [
        'puts "[llength [all_inputs]] [llength [all_outputs]]"\n'])
    result = gen.generate("Print the number of input and output ports as `in N out M`.")
    assert result.valid and result.output.strip().startswith("in ")
    assert 'format "in %s out %s"' in result.script


@needs_sta
def test_named_reports_in_the_requested_order_and_nothing_more(app, demo_bench):
    _, gen = make_generator(app, demo_bench, ["report_wns\nreport_tns\nreport_worst_slack\n"])
    result = gen.generate("Give me TNS and WNS, TNS first.")
    assert result.valid and result.script == "report_tns\nreport_wns\n"


@needs_sta
def test_report_does_not_copy_the_constraint_object(app, demo_bench):
    _, gen = make_generator(app, demo_bench, [
        "set_false_path -from [get_ports rst_n]\nreport_checks -from [get_ports rst_n] -format end\n"])
    result = gen.generate("Make every path starting at port rst_n a false path, then show the worst "
                          "setup endpoint of each path group in end format.")
    constraint, report = result.script.splitlines()
    assert result.valid and constraint == "set_false_path -from [get_ports rst_n]"
    assert report.startswith("report_checks -format end") and "rst_n" not in report
    assert "No paths found" not in result.output


@needs_sta
@pytest.mark.parametrize("answer, request_text, wanted", [
    ("set_clock_uncertainty 0.25 [get_clocks clk] -hold\nset_clock_uncertainty -hold 0.1 [get_clocks clk]\nreport_tns\n",
     "Set a 0.25 ns hold uncertainty on clk and report TNS.",
     "set_clock_uncertainty 0.25 [get_clocks clk] -hold\nreport_tns\n"),
    ("set_false_path -from [get_ports rst_n]\nunset_path_exceptions -from [get_ports rst_n]\nreport_tns\n",
     "Make every path starting at port rst_n a false path, then report TNS.",
     "set_false_path -from [get_ports rst_n]\nreport_tns\n"),
    ("set_case_analysis 0 [get_ports req_op[1]]\nreport_tns\n",
     "Hold rst_n at logic 1 with case analysis, then report TNS.",
     "set_case_analysis 1 [get_ports rst_n]\nreport_tns\n"),
    ('puts [llength [get_cells -filter "ref_name == XNOR2X1" _3*_]]\n',
     "How many cell instances have a name matching the pattern _3*_ ? Print just the number.",
     "puts [llength [get_cells _3*_]]\n"),
])
def test_copied_details_nobody_asked_for_are_dropped(app, demo_bench, answer, request_text, wanted):
    """Repeated or undoing constraints, a bus index taken for the request's number, a filter."""
    _, gen = make_generator(app, demo_bench, [answer])
    result = gen.generate(request_text)
    assert result.valid and result.script == wanted


def test_print_with_decimals_and_no_template():
    [t] = shapes("Print the period of clock clk with 3 decimal places.")
    assert t.implicit and t.default_decimals == 3
    out = reshape("puts [get_property [get_clocks clk] period]\n", [t])
    assert out == 'puts [format "%.3f" [get_property [get_clocks clk] period]]\n'
    assert conformity("report_tns -digits 3\n", [t]) == 0.0  # a report's -digits fits too
    branches = 'set s [sta::worst_slack -max]\nif {$s < 0} {\n  puts [format "%.3f" $s]\n} else {\n  puts "met"\n}\n'
    assert conformity(branches, [t]) < conformity('puts [format "%.3f" [sta::worst_slack -max]]\n', [t])


def test_extra_columns_go_by_what_each_value_reads_and_a_bare_number_has_no_label():
    temps = shapes("Print each clock as `NAME PERIOD` with the period in 2 decimals.")
    script = ("foreach c [all_clocks] {\n  set p [get_property $c period]\n"
              "  puts [format \"%s %.3f %.1f\" [get_name $c] $p [expr {1000.0 / $p}]]\n}\n")
    # PERIOD is $p (set from the period), not the arithmetic on it; NAME is get_name.
    assert reshape(script, temps).endswith('  puts [format "%s %.2f" [get_name $c] $p]\n}\n')
    [one] = shapes("Print the direction of port rst_n.")  # one property of one object: its value alone
    assert one.implicit and one.slots == ["DIRECTION"]
    assert reshape('puts "[get_full_name $p] [get_property $p direction]"\n', [one]) == \
        'puts [format "%s" [get_property $p direction]]\n'
    assert shapes("print the slack of every endpoint") == []
    assert conformity("puts [get_ports rst_n]\n", [one]) < 0  # a handle, not the direction
    [bare] = shapes("How many output ports does the design have? Print only the number.")
    assert bare.implicit and bare.slots == ["VALUE"]
    assert reshape('puts "output: [llength [all_outputs]]"\n', [bare]) == \
        'puts [format "%s" [llength [all_outputs]]]\n'


@needs_sta
def test_borrowed_print_becomes_puts(app, demo_bench):
    _, gen = make_generator(app, demo_bench, ["print [get_property [get_clocks clk] period]\n"])
    result = gen.generate("Print the period of clock clk with 3 decimal places.")
    assert result.valid and result.output.strip() == "2.000"
