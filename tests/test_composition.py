"""Medium requests: lists of objects, named procs, several constraints then reports."""

from __future__ import annotations

from conftest import needs_sta
from copilot.checks.tcl_tree import parse_tcl
from copilot.checks.lint import lint_tcl
from copilot.generate.assemble import assemble
from copilot.generate.grounding import is_change, rename_proc, substitute
from copilot.generate.hints import analyse_request
from test_generate import demo_bench  # noqa: F401 (a fixture)


def test_building_a_proc_or_a_table_is_not_a_change_to_the_design():
    for text in ("Write a proc setup_slack {pin} that returns the slack", "Make a histogram of lib cells",
                 "create a table of port slacks"):
        assert not analyse_request(text, "opensta", None).wants_change, text
    for text in ("write the SDC to out.sdc", "make clk propagated", "create a 2 ns clock on clk"):
        assert analyse_request(text, "opensta", None).wants_change, text


def test_the_proc_takes_the_requested_name_and_names_take_no_decimals():
    facts = analyse_request("Write a proc setup_slack {pin} that returns the slack, then print "
                            "`PIN: SLACK` (3 decimals) for a few pins", "opensta", None)
    assert facts.proc_name == "setup_slack"
    assert dict(facts.templates[0].decimals) == {"SLACK": 3}
    script = "proc slack_of {pin} {\n  return 1\n}\nputs [slack_of x]\n"
    assert rename_proc(script, facts) == "proc setup_slack {pin} {\n  return 1\n}\nputs [setup_slack x]\n"
    assert analyse_request("a proc that returns the slack", "opensta", None).proc_name == ""


@needs_sta
def test_the_requests_list_replaces_an_example_list(demo_bench):
    facts = analyse_request("print PIN SLACK for _330_/D, _331_/D and _332_/D", "opensta", demo_bench.design)
    script = "foreach pin {_331_/D _330_/D} {\n  puts $pin\n}\n"
    assert substitute(script, facts, demo_bench.design).startswith("foreach pin {_330_/D _331_/D _332_/D}")
    facts = analyse_request("count the cells matching INV*, NAND* and NOR*", "opensta", demo_bench.design)
    script = ('proc count_ref {ref} {\n  return [llength [get_cells -filter "ref_name == $ref" *]]\n}\n'
              "foreach r {INVX1 OAI21X1} {\n  puts \"$r [count_ref $r]\"\n}\n")
    out = substitute(script, facts, demo_bench.design)
    assert "foreach r {INV* NAND* NOR*}" in out and '"ref_name =~ $ref"' in out  # == never matches a glob


@needs_sta
def test_several_constraints_come_in_the_requests_order_with_its_numbers(demo_bench):
    facts = analyse_request("redefine clk on port clk at 1.9 ns, set a 0.05 ns clock uncertainty, add a "
                            "0.1 ns clock transition on clk, then report TNS", "opensta", demo_bench.design)
    ranked = ["set_clock_uncertainty 0.2 [get_clocks clk]\nreport_checks\n",
              "create_clock -name clk -period 5 -waveform {0 2.5} [get_ports clk]\nreport_tns > x.rpt\n",
              "set_clock_transition 0.3 [get_clocks clk]\nreport_wns\n",
              "report_tns\nreport_checks -format end\n"]
    changes = lambda name: is_change(name, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    out = assemble(ranked, facts, changes)
    assert out[0].startswith("create_clock -name clk -period 1.9 [get_ports clk]\n")  # each reader's reports
    assert ("create_clock -name clk -period 1.9 [get_ports clk]\n"
                      "set_clock_uncertainty 0.05 [get_clocks clk]\n"
                      "set_clock_transition 0.1 [get_clocks clk]\n"
                      "report_tns\nreport_checks -format end\n") in out


@needs_sta
def test_a_clock_the_script_creates_is_not_missing(demo_bench):
    script = "create_clock -name vclk -period 2\nset_clock_uncertainty 0.1 [get_clocks vclk]\n"
    assert not [d for d in lint_tcl(parse_tcl(script), demo_bench.catalog, demo_bench.design)
                if "vclk" in d.message]
    assert [d for d in lint_tcl(parse_tcl("report_clock_properties [get_clocks vclk]\n"),
                                demo_bench.catalog, demo_bench.design) if "vclk" in d.message]


def test_threshold_instances_and_sorted_dicts_follow_the_request():
    from copilot.generate.derive import instance_of_pins, sorted_dict, with_threshold

    facts = analyse_request("registers with a slack below 0.29 ns: print `INSTANCE SLACK`, sorted", "opensta", None)
    assert facts.thresholds == [("<", "0.29")]
    loop = ("foreach p [all_registers -data_pins] {\n  set s [get_property $p max_rise_slack]\n"
            "  if {$s < 0} { puts \"[get_full_name $p] $s\" }\n}\n")
    assert "if {$s < 0.29}" in with_threshold(loop, facts)
    assert "[get_full_name [get_cells -of_objects $p]]" in instance_of_pins(loop, facts)
    histogram = "foreach c [get_cells *] { dict incr n [get_property $c ref_name] }\ndict for {r k} $n {\n  puts \"$r $k\"\n}\n"
    assert sorted_dict(histogram) == ("foreach c [get_cells *] { dict incr n [get_property $c ref_name] }\n"
                                      "foreach r [lsort [dict keys $n]] {\n  set k [dict get $n $r]\n"
                                      "  puts \"$r $k\"\n}\n")


@needs_sta
def test_a_sweep_loop_sets_the_named_constraint_and_both_sides_drop_setup(demo_bench):
    from copilot.generate.assemble import swap_constraint
    from copilot.generate.grounding import apply_hints

    facts = analyse_request("Sweep the clock uncertainty (both setup and hold) over 0, 0.1 and 0.2 ns and "
                            "print `unc U wns W`", "opensta", demo_bench.design)
    ranked = ["foreach v {0 0.1 0.2} {\n  set_clock_latency -min $v [get_clocks clk]\n"
              "  set_clock_latency -max 0.3 [get_clocks clk]\n  puts \"$v [sta::worst_slack -max]\"\n}\n",
              "set_clock_uncertainty -setup 0.1 [get_clocks clk]\nreport_checks\n"]
    changes = lambda name: is_change(name, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    swapped = swap_constraint(ranked, facts, changes)
    assert swapped == ["foreach v {0 0.1 0.2} {\n  set_clock_uncertainty -setup $v [get_clocks clk]\n"
                       "  puts \"$v [sta::worst_slack -max]\"\n}\n"]
    assert "set_clock_uncertainty $v [get_clocks clk]" in apply_hints(
        swapped[0], facts, demo_bench.catalog, demo_bench.rules, prune=False)


def test_a_summary_line_goes_after_the_loop_it_summarises():
    from copilot.generate.derive import summary_line as summarised

    facts = analyse_request("list the 3 worst hold paths as `ENDPOINT SLACK` (3 decimals), then print "
                            "`min hold slack S` for the worst of them", "opensta", None)
    rows = ("foreach pe [find_timing_paths -path_delay min -group_count 3] {\n"
            "  puts [format \"%s %.3f\" [get_full_name [get_property $pe endpoint]] [get_property $pe slack]]\n"
            "  puts [format \"min hold slack %.3f\" [get_property $pe slack]]\n}\n")
    out = summarised(rows, facts)
    assert out.startswith('set summary ""\nforeach pe')
    assert out.count("min hold slack") == 1 and out.rstrip().endswith('puts [format "min hold slack %.3f" $summary]')
    assert summarised(out, facts) is None  # already summarised
    facts = analyse_request("print each port as `PORT SLACK`, then a final line `violating ports: N`", "opensta", None)
    out = summarised("foreach p [all_outputs] {\n  puts [format \"%s %.3f\" [get_full_name $p] 0.1]\n}\n", facts)
    assert "incr summary" in out and out.rstrip().endswith('puts [format "violating ports: %d" $summary]')


@needs_sta
def test_every_output_port_loops_over_all_outputs_and_loop_objects_are_kept(demo_bench):
    from copilot.generate.selection import whole_collection
    from copilot.generate.grounding import apply_hints

    facts = analyse_request("For every output port, sorted by name, print `PORT SLACK` with the slack of the "
                            "worst setup path ending at that port", "opensta", demo_bench.design)
    loop = ("foreach p [sta::sort_by_full_name [get_ports req_a*]] {\n"
            "  set pe [lindex [find_timing_paths -to $p -path_delay max] 0]\n  puts [get_property $pe slack]\n}\n")
    assert whole_collection(loop, facts).startswith("foreach p [sta::sort_by_full_name [all_outputs]] {")
    assert "-to $p" in apply_hints(loop, facts, demo_bench.catalog, demo_bench.rules, prune=True)
    facts = analyse_request("for every output port print the slack of req_a[1]", "opensta", demo_bench.design)
    assert whole_collection(loop, facts) is None  # the request names ports itself


@needs_sta
def test_assembled_reports_come_from_any_candidate_and_printed_lines_beat_free_reports(demo_bench):
    from copilot.generate.ranking import coverage

    facts = analyse_request("redefine clk on port clk at 1.9 ns, declare rst_n paths false, then report "
                            "the 3 worst setup endpoints in end format", "opensta", demo_bench.design)
    assert ("set_false_path",) in facts.commands
    ranked = ["create_clock -name clk -period 4 [get_ports clk]\nreport_checks -format end -group_count 3\n",
              "set_false_path -from [get_ports rst_n]\nreport_tns\n"]
    changes = lambda name: is_change(name, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    assert "create_clock -name clk -period 1.9 [get_ports clk]\nset_false_path -from [get_ports rst_n]\n" \
           "report_checks -format end -group_count 3\n" in assemble(ranked, facts, changes)
    facts = analyse_request("sweep a late derate over 1.0 and 1.1 and print `derate D wns W`", "opensta",
                            demo_bench.design)
    sweep = "foreach v {1.0 1.1} {\n  set_timing_derate -late $v\n  %s\n}\n"
    good = sweep % 'puts [format "derate %s wns %.3f" $v [sta::worst_slack -max]]'  # the values as written
    hides = sweep % 'puts [format "derate %s wns %.3f" [sta::worst_slack -max] [sta::worst_slack -min]]'
    chatty = sweep % 'report_wns\n  puts [format "derate %s wns %.3f" $v [sta::worst_slack -max]]'
    score = {s: coverage(s, facts, demo_bench.catalog, demo_bench.rules) for s in (good, hides, chatty)}
    assert score[good] > score[hides] and score[good] > score[chatty]


@needs_sta
def test_what_if_measures_before_and_after_the_named_constraint(demo_bench):
    from copilot.generate.assemble import what_if

    facts = analyse_request("What would a 2-cycle setup multicycle from register _323_ buy us? Print the worst "
                            "setup slack before and after adding it as `before X after Y` with 3 decimals, then "
                            "`gain G`", "opensta", demo_bench.design)
    assert facts.numbers == ["2"] and facts.wants_change  # not the 2 of _323_, not the decimals
    assert ("all_registers",) not in facts.commands  # one named register, not all of them
    changes = lambda name: is_change(name, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    out = what_if(["set_multicycle_path 3 -setup -from [get_cells _330_]\nreport_checks\n"], facts, changes)
    assert out == ["set before [sta::worst_slack -max]\nset_multicycle_path 2 -setup -from [get_cells _330_]\n"
                   "set after [sta::worst_slack -max]\n"
                   'puts [format "before %.3f after %.3f" $before $after]\n'
                   'puts [format "gain %.3f" [expr {$after - $before}]]\n']


def test_clock_reports_follow_all_clocks_or_the_new_clock_named_again():
    from copilot.generate.derive import clock_scope

    facts = analyse_request("Add a virtual clock io_clk of 3.5 ns, then show the properties of all clocks",
                            "opensta", None)
    script = "create_clock -name io_clk -period 3.5\nreport_clock_properties [get_clocks clk]\n"
    assert clock_scope(script, facts).endswith("report_clock_properties [all_clocks]\n")
    facts = analyse_request("Create a virtual clock vclk2 with a 6 ns period and show vclk2 only", "opensta", None)
    script = "create_clock -name vclk2 -period 6\nreport_clock_properties\n"
    assert clock_scope(script, facts).endswith("report_clock_properties [get_clocks vclk2]\n")
    facts = analyse_request("Create a virtual clock vclk2 with a 6 ns period and list the clocks", "opensta", None)
    assert clock_scope(script, facts) is None


@needs_sta
def test_a_loop_over_one_query_goes_over_objects_of_several_kinds(demo_bench):
    from copilot.generate.derive import mixed_objects

    facts = analyse_request("Print the direction of port busy and of pin _176_/Y as `NAME DIRECTION`",
                            "opensta", demo_bench.design)
    script = "foreach p [get_ports busy] {\n  puts [get_property $p direction]\n}\n"
    assert mixed_objects(script, facts).startswith("foreach p [concat [get_ports busy] [get_pins _176_/Y]] {")
    facts = analyse_request("Print the direction of pins _176_/Y and _177_/Y", "opensta", demo_bench.design)
    assert mixed_objects(script, facts) is None  # one kind: the list replacement's job


@needs_sta
def test_a_check_at_a_pin_is_a_path_to_it(demo_bench):
    facts = analyse_request("Add 0.2 ns of clock latency on the clock pin of _332_, then show the worst setup "
                            "check at _332_/D", "opensta", demo_bench.design)
    assert [(m.name, m.role) for m in facts.mentions] == [("_332_/CLK", ""), ("_332_/D", "-to")]


@needs_sta
def test_an_assembled_script_never_copies_a_statement_the_lint_rejects(app, demo_bench):
    from test_generate import make_generator

    # The model's clock line has a made-up flag; the bank has each constraint written plainly.
    examples = [("set a 5 ns clock on clk", "create_clock -name clk -period 5 -waveform {0 2.5} [get_ports clk]\n"
                                            "report_checks\n"),
                ("add 0.2 ns of clock uncertainty", "set_clock_uncertainty 0.2 [get_clocks clk]\nreport_checks\n"),
                ("report tns and the worst endpoints", "report_tns\nreport_checks -format end\n")]
    _, gen = make_generator(app, demo_bench, [
        "create_clock -name clk -period 1.9 -set_input_delay 0.5 [get_ports clk]\n"
        "set_clock_uncertainty 0.05 [get_clocks clk]\nreport_tns\n# End\n"], examples)
    gen.settings = app.settings
    result = gen.generate("redefine clk on port clk at 1.9 ns, set a 0.05 ns clock uncertainty, "
                          "then report TNS and the worst endpoints in end format")
    assert "-set_input_delay" not in result.script and result.valid
    assert result.script.startswith("create_clock -name clk -period 1.9 [get_ports clk]\n"
                                    "set_clock_uncertainty 0.05 [get_clocks clk]\n")
