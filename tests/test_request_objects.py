"""What a request's wording says about objects and flags, and how candidates follow it."""

from __future__ import annotations

from functools import partial

from conftest import needs_sta
from copilot.generate.edits import Edit, apply_edits
from copilot.generate.grounding import substitute, variants
from copilot.generate.ranking import coverage
from copilot.generate.hints import analyse_request
from test_generate import demo_bench, make_generator  # noqa: F401 (a fixture)
from test_request_values import scored


def test_repeated_or_overlapping_edits_apply_once_and_insertions_all_apply():
    script = "report_checks -from x -to y\n"
    drop = Edit(13, 21, "")
    assert apply_edits(script, [drop, Edit(13, 21, "")]) == "report_checks -to y\n"
    assert apply_edits(script, [Edit(27, 27, " -a"), Edit(27, 27, " -b")]) == "report_checks -from x -to y -a -b\n"
    assert apply_edits(script, [drop, Edit(15, 18, "-through")]) == "report_checks -to y\n"


@needs_sta
def test_pins_of_cells_and_patterns_become_objects(demo_bench):
    facts = analyse_request("force the Q outputs of the op registers _322_ and _323_ to 0, then "
                            "add latency on the clock pin of _332_", "opensta", demo_bench.design)
    assert [(m.name, m.kind) for m in facts.mentions] == [("_322_/Q _323_/Q", "pin"), ("_332_/CLK", "pin")]
    assert facts.mentions[0].query() == "[get_pins {_322_/Q _323_/Q}]"
    facts = analyse_request("count the cells whose ref_name starts with NAND", "opensta", demo_bench.design)
    assert [(m.name, m.kind) for m in facts.mentions] == [("NAND*", "lib_cell")]
    script = 'puts [llength [get_cells -filter "ref_name == XNOR2X1" *]]\n'
    assert substitute(script, facts, demo_bench.design) == \
        'puts [llength [get_cells -filter "ref_name =~ NAND*" *]]\n'


@needs_sta
def test_one_example_object_gets_one_replacement_everywhere(demo_bench):
    facts = analyse_request("arrival and slack at pin _332_/D", "opensta", demo_bench.design)
    assert substitute("report_arrival _329_/D\nreport_slack _329_/D\n", facts, demo_bench.design) == \
        "report_arrival _332_/D\nreport_slack _332_/D\n"
    facts = analyse_request("set case analysis 0 on the Q pins of _322_ and _323_", "opensta", demo_bench.design)
    assert substitute("set_case_analysis 0 [get_ports req_op[1]]\n", facts, demo_bench.design) == \
        "set_case_analysis 0 [get_pins {_322_/Q _323_/Q}]\n"
    # A copied bit of a bus is another object than the bus the request names.
    facts = analyse_request("Set a 0.4 ns input delay on req_a[*] relative to clk.", "opensta", demo_bench.design)
    assert substitute("set_input_delay 0.4 -clock clk [get_ports req_a[2]]\n", facts, demo_bench.design) == \
        "set_input_delay 0.4 -clock clk [get_ports {req_a[*]}]\n"


@needs_sta
def test_wording_sets_transition_and_per_endpoint_flags(demo_bench):
    facts = analyse_request("the worst setup path into _330_/D where the data arrives falling, end format",
                            "opensta", demo_bench.design)
    out = variants("report_checks -to [get_pins _329_/D] -format end\n", facts, demo_bench.catalog,
                   demo_bench.rules, demo_bench.design)
    assert "report_checks -format end -path_delay max -fall_to [get_pins _330_/D]\n" in out
    facts = analyse_request("show the 3 worst setup paths into pin _332_/D", "opensta", demo_bench.design)
    assert [(h.flag, h.value) for h in facts.hints if h.flag.endswith("_count")] == [("-endpoint_count", "3")]
    facts = analyse_request("show the 3 worst setup paths to the resp_data outputs", "opensta", demo_bench.design)
    assert [(h.flag, h.value) for h in facts.hints if h.flag.endswith("_count")] == [("-group_count", "3")]


@needs_sta
def test_a_virtual_clock_loses_the_copied_source_and_other_purpose_constraints(app, demo_bench):
    copied = ("create_clock -name vclk -period 4 -add [get_ports clk]\n"
              "set_input_delay 0.5 -clock vclk [get_ports req_a*]\nreport_clock_properties\n")
    _, gen = make_generator(app, demo_bench, [copied])
    result = gen.generate("Add a virtual clock named io_clk with a 3.5 ns period, then show the clock properties.")
    assert result.valid and result.script == "create_clock -name io_clk -period 3.5\nreport_clock_properties\n"
    assert "io_clk" in result.output


@needs_sta
def test_a_count_of_one_objects_fanout_is_one_number(app, demo_bench):
    looped = ("foreach p [all_inputs] {\n  puts [format \"%s %d\" [get_full_name $p] "
              "[llength [get_fanout -from $p -endpoints_only]]]\n}\n")
    listing = "foreach p [get_fanout -from [get_ports req_op[0]] -endpoints_only] {\n  puts [get_full_name $p]\n}\n"
    _, gen = make_generator(app, demo_bench, [looped], [("which endpoints does input req_op[0] reach?", listing)])
    result = gen.generate("How many timing endpoints are in the fanout of input port req_valid? Print the number.")
    assert result.valid and result.script == \
        "puts [llength [get_fanout -from [get_ports req_valid] -endpoints_only]]\n"
    assert result.output.strip().isdigit()


@needs_sta
def test_wording_names_the_path_group_the_falling_endpoint_and_every_endpoint(demo_bench):
    facts = analyse_request("Count the endpoints of path group clk whose setup slack is negative",
                            "opensta", demo_bench.design)
    hinted = {(h.flag, h.value) for h in facts.hints}
    assert {("-path_group", "clk"), ("-group_count", "1000"), ("-slack_max", "0")} <= hinted
    facts = analyse_request("the 7 worst endpoints of every path group as an end table", "opensta", None)
    assert not [h for h in facts.hints if h.flag == "-path_group"]  # "as" is no group
    facts = analyse_request("Report the worst setup path that ends with a falling transition at _330_/D.",
                            "opensta", demo_bench.design)
    out = variants("report_checks -path_delay max\n", facts, demo_bench.catalog, demo_bench.rules,
                   demo_bench.design)
    assert "report_checks -path_delay max -fall_to [get_pins _330_/D]\n" in out


@needs_sta
def test_a_copied_constraints_unrequested_flags_go(demo_bench):
    facts = analyse_request("Set the input delay of req_valid to 0.8 ns relative to clk, then report "
                            "the worst setup path from req_valid.", "opensta", demo_bench.design)
    copied = ("set_input_delay 0.8 -clock clk -clock_fall -add_delay [get_ports req_valid]\n"
              "report_checks -from [get_ports req_valid] -path_delay max\n")
    plain = "set_input_delay 0.8 -clock clk [get_ports req_valid]\nreport_checks -from [get_ports req_valid] -path_delay max\n"
    out = variants(copied, facts, demo_bench.catalog, demo_bench.rules, demo_bench.design)
    assert plain in out
    score = partial(coverage, facts=facts, catalog=demo_bench.catalog, rules=demo_bench.rules)
    assert score(plain) > score(copied)
    # Asked for: kept.
    facts = analyse_request("Add a second input delay of 0.8 ns on req_valid relative to the falling "
                            "clock edge of clk", "opensta", demo_bench.design)
    assert not {"-clock_fall", "-add_delay"} & facts.constraint_prune


@needs_sta
def test_a_count_of_register_data_pins_counts_only_those(demo_bench):
    facts = analyse_request("How many register data input pins does the design have? Print only the number.",
                            "opensta", demo_bench.design)
    score = partial(coverage, facts=facts, catalog=demo_bench.catalog, rules=demo_bench.rules)
    three = "puts [join [list [llength [all_inputs]] [llength [all_outputs]] [llength [all_registers -cells]]] ,]\n"
    adapted = variants(three, facts, demo_bench.catalog, demo_bench.rules, demo_bench.design)
    assert any("all_registers -data_pins" in v for v in adapted)
    assert score("puts [llength [all_registers -data_pins]]\n") > max(score(v) for v in adapted)


@needs_sta
def test_a_sweep_where_one_value_is_given_and_a_line_printed_twice_per_step_cost(demo_bench):
    facts, score = scored("Redefine clk on port clk with a 1.8 ns period, then print the worst setup "
                          "slack with 3 decimals.", demo_bench)
    once = "create_clock -name clk -period 1.8 [get_ports clk]\nputs [format \"%.3f\" [sta::worst_slack -max]]\n"
    search = ("foreach p {1.8 1.9 2.0} {\n  create_clock -name clk -period $p [get_ports clk]\n"
              "  puts [format \"%.3f\" [sta::worst_slack -max]]\n}\n")
    assert score(once) > score(search)
    facts = analyse_request("Sweep the clock uncertainty of clk over 0, 0.1 and 0.2 ns and print `U WNS` "
                            "for each, with the worst setup slack in 3 decimals.", "opensta", demo_bench.design)
    score = partial(coverage, facts=facts, catalog=demo_bench.catalog, rules=demo_bench.rules)
    line = '  puts [format "%s %.3f" $v [sta::worst_slack -max]]\n'
    head = "foreach v {0 0.1 0.2} {\n  set_clock_uncertainty $v [get_clocks clk]\n"
    assert score(head + line + "}\n") > score(head + line + line + "}\n")


@needs_sta
def test_ranges_become_lists_and_a_printing_script_runs_once_per_named_object(demo_bench):
    from copilot.generate.hints import analyse_request, expand_ranges
    from copilot.generate.loops import over_named_objects

    assert expand_ranges("ports count[0] to count[3], then") == "ports count[0], count[1], count[2] and count[3], then"
    assert expand_ranges("registers _325_ through _327_ get") == "registers _325_, _326_ and _327_ get"
    assert expand_ranges("bits 0 to 7 of resp_data") == "bits 0 to 7 of resp_data"
    facts = analyse_request("For each of the output ports count[0] to count[2], print `PORT SLACK` with the "
                            "worst setup slack of paths to it, 3 decimals.", "opensta", demo_bench.design)
    assert not [g for g in facts.commands if "sta::worst_slack" in g]  # paths' slack, not the design's
    one = ("foreach pe [find_timing_paths -path_delay max -to [get_ports {count[0]}]] {\n"
           "  puts [format \"%s %.3f\" [get_full_name [get_property $pe endpoint]] [get_property $pe slack]]\n}\n")
    assert over_named_objects(one, facts) == (
        "foreach o {count[0] count[1] count[2]} {\n"
        "  foreach pe [find_timing_paths -path_delay max -to [get_ports $o]] {\n"
        "    puts [format \"%s %.3f\" [get_full_name [get_property $pe endpoint]] [get_property $pe slack]]\n  }\n}\n")
    assert over_named_objects(one, analyse_request("print `PORT SLACK` for count[0]", "opensta", demo_bench.design)) is None


@needs_sta
def test_the_sorted_names_of_one_library_cells_instances(demo_bench):
    facts = analyse_request("List the names of all DFFSR instances, sorted, one per line.", "opensta", demo_bench.design)
    assert [(m.kind, m.name) for m in facts.mentions] == [("lib_cell", "DFFSR")]  # "instances," with its comma
    tally = ("set cnt {}\nforeach c [get_cells *] {\n  dict incr cnt [get_property $c ref_name]\n}\n"
             "dict for {ref n} $cnt {\n  puts \"$ref $n\"\n}\n")
    out = variants(tally, facts, demo_bench.catalog, demo_bench.rules, demo_bench.design)
    listing = 'foreach n [lsort [lmap c [get_cells -filter "ref_name == DFFSR" *] {get_full_name $c}]] { puts $n }\n'
    assert listing in out
    score = partial(coverage, facts=facts, catalog=demo_bench.catalog, rules=demo_bench.rules)
    assert score(listing) == max(score(v) for v in out)


@needs_sta
def test_plain_port_names_after_a_role_word_and_report_wording(demo_bench):
    facts = analyse_request("Set a 0.3 ns output delay on busy relative to clk and report the worst setup "
                            "path to busy.", "opensta", demo_bench.design)
    assert [(m.name, m.role) for m in facts.mentions] == [("busy", "-to")]  # not clk: "relative to"
    facts = analyse_request("report the paths to count the endpoints", "opensta", demo_bench.design)
    assert not [m for m in facts.mentions if m.name.startswith("count")]
    hinted = {(h.flag, h.value) for h in analyse_request(
        "Show the longest path from req_b[5], with net names in the report, one line each.", "opensta",
        demo_bench.design).hints}
    assert {("-fields", "net"), ("-format", "end")} <= hinted
