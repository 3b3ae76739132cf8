"""Wording that picks which objects and which values a script prints (found on the unseen3 set)."""

from __future__ import annotations

from functools import partial

from conftest import needs_sta
from copilot.generate.selection import of_direction, of_lib_cell
from copilot.generate.grounding import apply_hints
from copilot.generate.ranking import coverage
from copilot.generate.hints import analyse_request
from copilot.generate.loops import over_named_objects
from copilot.generate.selection import over_named_collection
from copilot.generate.metrics import path_slack_value
from copilot.generate.printing import templates
from test_generate import demo_bench  # noqa: F401 (a fixture)


def scored(request: str, bench):
    """The request's facts on the demo design, and a coverage scorer for its scripts."""
    facts = analyse_request(request, "opensta", bench.design)
    return facts, partial(coverage, facts=facts, catalog=bench.catalog, rules=bench.rules)


@needs_sta
def test_counted_pins_keep_the_asked_direction_and_copied_names_cost(demo_bench):
    facts, score = scored("print the number of output pins of all instances (pins whose direction is output)",
                          demo_bench)
    assert facts.pin_direction == "output"
    assert not [g for g in facts.commands if "get_cells" in g and "get_pins" not in g]  # pins are counted
    filtered = 'puts [llength [get_pins -filter "direction == output" */*]]\n'
    assert of_direction("puts [llength [get_pins */*]]\n", facts) == filtered
    assert score(filtered) > score("puts [llength [get_pins -hierarchical */Y]]\n")
    assert score(filtered) > score("puts [llength [get_pins -of_objects [get_cells _204_]]]\n")  # not asked
    assert score("puts [llength [get_pins */*]]\n") > score("puts [llength [get_pins {_280_/A _281_/A}]]\n")


@needs_sta
def test_the_slack_at_a_pin_is_its_paths_slack_printed(demo_bench):
    facts, score = scored("Print the worst setup slack at pin _329_/D with 3 decimals.", demo_bench)
    assert [(m.name, m.role) for m in facts.mentions] == [("_329_/D", "-to")]
    copied = "report_checks -to [get_pins {_325_/D _329_/D}] -path_delay max -digits 3\n"
    report = apply_hints(copied, facts, demo_bench.catalog, demo_bench.rules, prune=False)
    assert report == "report_checks -to [get_pins _329_/D] -path_delay max -digits 3\n"  # not the others
    value = path_slack_value(report, facts)
    assert value == ('puts [format "%.3f" [get_property [lindex [find_timing_paths -to [get_pins _329_/D] '
                     '-path_delay max] 0] slack]]\n')
    assert score(value) > score(report)
    assert path_slack_value("report_checks -path_delay max\n", facts) is None  # no path named


@needs_sta
def test_plain_names_listed_with_others_and_a_walk_over_the_named_ones(demo_bench):
    facts = analyse_request("For each of busy and resp_valid, print `PORT SLACK` with the worst hold slack of "
                            "paths to it, 3 decimals.", "opensta", demo_bench.design)
    assert [m.name for m in facts.mentions] == ["busy", "resp_valid"]
    walk = "foreach p [all_outputs] {\n  puts [format \"%s %.3f\" [get_full_name $p] [get_property $p min_rise_slack]]\n}\n"
    assert over_named_collection(walk, facts).startswith("foreach p [get_ports {busy resp_valid}] {")
    assert analyse_request("the design is busy and slow", "opensta", demo_bench.design).mentions == []
    facts = analyse_request("Print the number of pins of each of the instances _204_, _221_ and _260_ as "
                            "`INSTANCE N`.", "opensta", demo_bench.design)
    assert over_named_objects("puts [llength [get_pins -of_objects [get_cells _204_]]]\n", facts) == (
        "foreach o {_204_ _221_ _260_} {\n"
        "  puts [format \"%s %s\" $o [llength [get_pins -of_objects [get_cells $o]]]]\n}\n")


def test_wording_for_endpoints_decimals_sweeps_properties_and_library_cells():
    facts = analyse_request("which 6 endpoints have the worst setup slack? one line each", "opensta", None)
    assert ("-group_count", "6") in {(h.flag, h.value) for h in facts.hints}
    assert not [g for g in facts.commands if "sta::worst_slack" in g]  # which paths, not a value
    two = analyse_request("3 paths per endpoint", "opensta", None).hints
    assert ("-endpoint_count", "3") in {(h.flag, h.value) for h in two}
    assert "3" not in [h.value for h in two if h.flag == "-group_count"]
    [t] = templates("Print the WNS for clock periods of 2.2 and 2.6 ns as `PERIOD WNS`, 3 decimals for WNS.")
    assert t.decimals == (("WNS", 3),) and t.default_decimals is None
    assert analyse_request("Print the WNS for clock periods of 2.2 and 2.6 ns", "opensta", None).wants_change
    assert not analyse_request("Print the WNS with 3 decimals", "opensta", None).wants_change
    facts = analyse_request("Print each output port of the count bus with its direction", "opensta", None)
    assert ("get_property",) in facts.commands


@needs_sta
def test_a_count_narrows_to_the_library_cell_even_when_its_line_names_it(demo_bench):
    facts = analyse_request("Count the cells whose library cell is OAI21X1 and print `OAI21X1: N`.", "opensta",
                            demo_bench.design)
    narrowed = of_lib_cell('puts [format "OAI21X1: %s" [llength [get_cells *]]]\n', facts)
    assert narrowed == 'puts [format "OAI21X1: %s" [llength [get_cells -filter "ref_name == OAI21X1" *]]]\n'
    assert of_lib_cell(narrowed, facts) is None


def test_listing_counting_verdicts_and_units_follow_the_wording():
    from copilot.generate.derive import verdict_lines
    from copilot.generate.selection import counted_objects, listed_not_counted
    from copilot.generate.metrics import in_picoseconds

    facts = analyse_request("List the XNOR2X1 instances, sorted, one per line.", "opensta", None)
    assert listed_not_counted('puts [llength [get_cells -filter "ref_name == XNOR2X1" *]]\n', facts) == (
        'foreach n [lsort [lmap x [get_cells -filter "ref_name == XNOR2X1" *] {get_full_name $x}]] { puts $n }\n')
    facts = analyse_request("How many ports does the design have? Print the number.", "opensta", None)
    assert facts.wants_count and counted_objects("puts [llength [all_inputs]]\n", facts) == "puts [llength [get_ports *]]\n"
    assert not analyse_request("What is the period of clk? Print the number.", "opensta", None).wants_count
    facts = analyse_request("What is the period of clk in picoseconds?", "opensta", None)
    assert in_picoseconds("puts [get_property [get_clocks clk] period]\n", facts) == \
        "puts [expr {[get_property [get_clocks clk] period] * 1000}]\n"
    assert in_picoseconds("puts [get_property [get_clocks clk] period]\n",
                          analyse_request("What is the period of clk?", "opensta", None)) is None
    facts = analyse_request("Print VIOLATED if the setup WNS is negative, otherwise MET.", "opensta", None)
    check = ("set s [sta::worst_slack -max]\nif {$s < 0} {\n  puts [format \"bad %.3f\" $s]\n} else {\n"
             "  puts \"fine\"\n}\n")
    assert verdict_lines(check, facts) == ("set s [sta::worst_slack -max]\nif {$s < 0} {\n  puts VIOLATED\n} else {\n"
                                           "  puts MET\n}\n")


@needs_sta
def test_a_named_clock_a_collection_as_a_constraints_object_and_a_loops_names(demo_bench):
    facts, score = scored("tighten clk to a 1.6 ns period and report the worst setup path", demo_bench)
    assert [m.name for m in facts.mentions] == ["clk"]  # a plain clock name, with clock words
    assert ("create_clock", "create_generated_clock") in facts.commands
    assert score("create_clock -name clk -period 1.6 [get_ports clk]\nreport_checks -path_delay max\n") > \
        score("create_clock -name clk -period 1.6\nreport_checks -path_delay max\n")  # nobody asked for virtual
    facts = analyse_request("Put a 0.05 load on every output and show the worst setup path to resp_valid in end "
                            "format.", "opensta", demo_bench.design)
    from copilot.generate.grounding import variants
    out = variants("set_load -pin_load 0.08 [get_ports resp_valid]\nreport_checks -to [get_ports resp_valid]\n",
                   facts, demo_bench.catalog, demo_bench.rules, demo_bench.design)
    assert "set_load -pin_load 0.05 [all_outputs]\nreport_checks -to [get_ports resp_valid] -path_delay max " \
           "-format end\n" in out
    facts, score = scored("For count[0] and count[1], print `PORT SLACK` with the worst setup slack of paths "
                          "ending there, 2 decimals.", demo_bench)
    one = ("foreach pe [find_timing_paths -path_delay max -to [get_ports {count[0]}]] {\n"
           "  puts [format \"%s %.2f\" [get_full_name [get_property $pe endpoint]] [get_property $pe slack]]\n}\n")
    both = over_named_objects(one, facts)
    assert both.startswith("foreach o {count[0] count[1]} {")  # a line per named port, no "each" said
    assert score(both) > score(one)


@needs_sta
def test_a_swapped_constraint_in_a_proc_takes_the_procs_parameter(demo_bench):
    from copilot.generate.assemble import swap_constraint
    from copilot.generate.grounding import is_change

    facts = analyse_request("Print the setup WNS for late derates of 1.0, 1.1 and 1.2 as `DERATE WNS`.", "opensta",
                            demo_bench.design)
    ranked = ["proc wns_at {period} {\n  create_clock -name clk -period $period [get_ports clk]\n"
              "  return [sta::worst_slack -max]\n}\nforeach p {1.0 1.1 1.2} {\n  puts \"$p [wns_at $p]\"\n}\n",
              "set_timing_derate -late 1.05\nreport_checks\n"]
    swapped = swap_constraint(ranked, facts, lambda name: is_change(name, demo_bench.catalog, demo_bench.rules))
    assert swapped and "  set_timing_derate -late $period\n" in swapped[0]


def test_swept_values_print_as_the_request_wrote_them():
    from copilot.generate.derive import values_as_given

    facts = analyse_request("Sweep the clock uncertainty of clk over 0, 0.1 and 0.2 ns and print `U WNS` for each, "
                            "with the worst setup slack in 3 decimals.", "opensta", None)
    loop = "foreach p {0 0.1 0.2} {\n  puts [format \"%.1f %.3f\" $p [wns_at $p]]\n}\n"
    assert values_as_given(loop, facts) == "foreach p {0 0.1 0.2} {\n  puts [format \"%s %.3f\" $p [wns_at $p]]\n}\n"
    given = analyse_request("Sweep the clock uncertainty over 0, 0.1 and 0.2 ns and print `U WNS`, U with 1 decimal",
                            "opensta", None)
    assert values_as_given(loop, given) is None


@needs_sta
def test_the_same_report_twice_costs(demo_bench):
    facts, score = scored("Show both the worst setup and the worst hold path into pin _332_/D in a single "
                          "summary-format report.", demo_bench)
    once = "report_checks -path_delay min_max -format summary -to [get_pins _332_/D]\n"
    twice = once + "report_checks -format summary -path_delay min_max -to [get_pins _332_/D]\n"
    assert score(once) > score(twice)
    from copilot.checks.tcl_tree import parse_tcl
    from copilot.generate.ranking import _repeated_reads

    swept = "set_load 0.1 [all_outputs]\nreport_wns\nset_load 0.2 [all_outputs]\nreport_wns\n"
    assert _repeated_reads(parse_tcl(swept), demo_bench.catalog, demo_bench.rules) == 0  # a sweep is not a repeat
    assert _repeated_reads(parse_tcl(twice), demo_bench.catalog, demo_bench.rules) == 1
