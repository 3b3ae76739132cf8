"""Wording that refers back ("to it", "print it again"), names both checks ("min and max"),
or narrows a copied walk or constraint to what the request names."""

from __future__ import annotations

from conftest import needs_sta
from copilot.checks.tcl_tree import parse_tcl
from copilot.generate.grounding import compose, extra_constraints, variants
from copilot.generate.hints import analyse_request
from copilot.generate.loops import over_named_objects
from copilot.generate.selection import of_lib_cell
from test_generate import demo_bench  # noqa: F401 (a fixture)
from test_request_values import scored


def test_min_and_max_words_ask_for_both_path_delays():
    for text in ("show min and max paths to resp_valid", "the maximum and minimum delay paths from req_valid",
                 "report min/max timing to busy"):
        assert analyse_request(text, "opensta", None).path_delay == "min_max", text
    assert analyse_request("the max delay path to busy", "opensta", None).path_delay == "max"


def test_print_it_again_asks_for_reads_before_and_after_the_change():
    assert analyse_request("Print the hold TNS, then set a 0.1 ns hold uncertainty on clk and print it "
                           "again.", "opensta", None).read_again
    assert not analyse_request("add a false path from rst_n then remove it again and report tns",
                               "opensta", None).read_again


@needs_sta
def test_reads_around_the_change_rank_first_when_asked_again(demo_bench):
    facts, score = scored("Print the hold TNS with 3 decimals, then set a 0.1 ns hold uncertainty on clk "
                          "and print it again.", demo_bench)
    change = "set_clock_uncertainty -hold 0.1 [get_clocks clk]\n"
    read = 'puts [format "%.3f" [sta::total_negative_slack -min]]\n'
    again = compose(change, read, demo_bench.catalog, demo_bench.rules, facts.read_again)
    assert again == read + change + read
    assert score(again) > score(change + read)


@needs_sta
def test_a_report_to_it_takes_the_constraints_object(demo_bench):
    facts = analyse_request("Make _329_/D a 3-cycle setup multicycle endpoint and report the worst setup "
                            "path to it.", "opensta", demo_bench.design)
    assert [(m.name, m.times) for m in facts.mentions] == [("_329_/D", 2)]
    copied = "set_multicycle_path 3 -setup -to [get_pins _329_/D]\nreport_checks -path_delay max\n"
    out = variants(copied, facts, demo_bench.catalog, demo_bench.rules, demo_bench.design)
    assert any("report_checks -path_delay max -to [get_pins _329_/D]" in v for v in out)


@needs_sta
def test_a_constraint_for_the_other_check_or_overridden_by_a_plain_one_is_extra(demo_bench):
    facts = analyse_request("Add a 3-cycle setup multicycle to _329_/D.", "opensta", demo_bench.design)
    both = "set_multicycle_path 3 -setup -to [get_pins _329_/D]\nset_multicycle_path 2 -hold -to [get_pins _329_/D]\n"
    extra = extra_constraints(parse_tcl(both), facts, demo_bench.catalog, demo_bench.rules)
    assert [u.words[1].text for u in extra] == ["-hold"]
    facts = analyse_request("Set a 0.7 ns input delay on req_valid relative to clk.", "opensta", demo_bench.design)
    overridden = ("set_input_delay -max 0.7 -clock clk [get_ports req_valid]\n"
                  "set_input_delay 0.2 -clock clk [get_ports req_valid]\n")
    extra = extra_constraints(parse_tcl(overridden), facts, demo_bench.catalog, demo_bench.rules)
    assert [u.words[0].text for u in extra] == ["0.2"]  # the one without the request's number
    sides = "set_input_delay -max 0.7 -clock clk [get_ports req_valid]\nset_input_delay -min 0.2 -clock clk [get_ports req_valid]\n"
    assert extra_constraints(parse_tcl(sides), facts, demo_bench.catalog, demo_bench.rules) == []


@needs_sta
def test_a_copied_name_pattern_walks_the_library_cells_instances(demo_bench):
    facts = analyse_request("Print each AOI21X1 instance name, sorted.", "opensta", demo_bench.design)
    copied = "foreach n [lsort [lmap c [get_cells _20?_] {get_full_name $c}]] { puts $n }\n"
    assert of_lib_cell(copied, facts) == \
        'foreach n [lsort [lmap c [get_cells -filter "ref_name == AOI21X1" *] {get_full_name $c}]] { puts $n }\n'


@needs_sta
def test_a_cells_pin_in_a_printing_script_runs_once_per_named_cell(demo_bench):
    facts = analyse_request("For each of _322_ and _323_, print `FF SLACK` with the setup slack at its D pin.",
                            "opensta", demo_bench.design)
    assert facts.templates[0].slots == ["FF", "SLACK"]
    one = 'set p [get_pins _323_/D]\nputs [get_property $p max_rise_slack]\n'
    assert over_named_objects(one, facts) == (
        'foreach o {_322_ _323_} {\n  set p [get_pins $o/D]\n  puts [format "%s %s" $o [get_property $p max_rise_slack]]\n}\n')


def test_relaxing_or_tightening_a_clock_to_a_value_redefines_it():
    for text in ("Relax clk to 2.4 ns and print the WNS", "loosen the clock clk to 3 ns", "tighten clk to a 1.5 ns"):
        assert any("create_clock" in g for g in analyse_request(text, "opensta", None).commands), text
    assert not any("create_clock" in g for g in analyse_request("relax the uncertainty", "opensta", None).commands)


@needs_sta
def test_a_walk_over_an_unrequested_objects_pins_walks_the_named_objects(demo_bench):
    from copilot.generate.selection import over_named_collection

    facts = analyse_request("For each of req_a[0] and rst_n, print `PORT DIR` with its direction.",
                            "opensta", demo_bench.design)
    copied = "foreach p [get_pins -of_objects [get_nets _061_]] {\n  puts [get_property $p direction]\n}\n"
    assert over_named_collection(copied, facts) == \
        "foreach p [get_ports {req_a[0] rst_n}] {\n  puts [get_property $p direction]\n}\n"
    named = "foreach p [get_pins -of_objects [get_ports rst_n]] {\n  puts [get_property $p direction]\n}\n"
    assert over_named_collection(named, facts) is None  # its objects are the request's
