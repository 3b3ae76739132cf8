"""Values a request derives from an example: sweeps that measure, clocks the script creates,
rows before a count, path walks without their start, and lines that keep the values named."""

from __future__ import annotations

from conftest import needs_sta
from copilot.generate.derive import (created_clock_refs, measured_sweep, reverse_names, rows_then_count,
                                     without_start)
from copilot.generate.grounding import constraint_objects, is_change
from copilot.generate.ranking import coverage
from copilot.generate.hints import analyse_request
from copilot.generate.metrics import metric_side, metric_value, without_frequency
from copilot.generate.printing import reshape
from test_generate import demo_bench  # noqa: F401 (a fixture)


def test_a_sweep_that_reports_measures_the_path_and_prints_the_requested_line():
    facts = analyse_request("for input transitions of 0.1, 0.2 and 0.4 ns on req_b[*], print "
                            "`tran T slack S` for the worst path from req_b[0], 3 decimals", "opensta", None)
    script = ("foreach v {0.1 0.2 0.4} {\n  set_input_transition $v [get_ports {req_b[*]}]\n"
              "  report_checks -from [get_ports {req_b[0]}] -digits 3 -format end\n}\n")
    out = measured_sweep(script, facts)
    assert "set pe [lindex [find_timing_paths -from [get_ports {req_b[0]}]] 0]" in out
    assert '-digits' not in out and '-format' not in out
    assert reshape(out, facts.templates).count('puts [format "tran %.3f slack %.3f" $v [get_property $pe slack]]') == 1
    # Nothing to measure: a line with no path value, or a script that already prints.
    assert measured_sweep(script, analyse_request("print `tran T count N`", "opensta", None)) is None
    assert measured_sweep(script.replace("report_checks", "puts [report_checks"), facts) is None


def test_constraints_after_a_new_clock_refer_to_it_unless_the_request_names_the_old_one():
    facts = analyse_request("Define clock aux of 4 ns with no source, set 0.2 ns uncertainty on aux "
                            "and an input delay of 1 ns relative to aux on req_op[*]", "opensta", None)
    script = ("create_clock -name aux -period 4\nset_clock_uncertainty 0.2 [get_clocks clk]\n"
              "set_input_delay 1 -clock clk [get_ports {req_op[*]}]\n")
    assert created_clock_refs(script, facts) == (
        "create_clock -name aux -period 4\nset_clock_uncertainty 0.2 [get_clocks aux]\n"
        "set_input_delay 1 -clock aux [get_ports {req_op[*]}]\n")
    named = analyse_request("Define clock aux of 4 ns, then an input delay of 1 ns relative to clk "
                            "on req_op[*] and aux again", "opensta", None)
    assert created_clock_refs(script, named) is None  # clk is named: its references stay


def test_a_counting_loop_lists_what_it_counts_before_the_count_line():
    facts = analyse_request("print every hold-violating endpoint in name order, one per line, and "
                            "end with `hold violators: N`", "opensta", None)
    script = ("set n 0\nforeach pe [find_timing_paths -path_delay min -slack_max 0] { incr n }\n"
              'puts [format "hold violators: %s" $n]\n')
    out = rows_then_count(script, facts)
    assert "lappend rows [get_full_name [get_property $pe endpoint]]" in out
    assert "foreach r [lsort $rows] { puts stdout $r }\nputs [format" in out
    assert rows_then_count(script, analyse_request("print `hold violators: N`", "opensta", None)) is None


def test_a_path_walk_leaves_out_the_launching_register_when_asked():
    script = "set pe [lindex [find_timing_paths] 0]\nforeach pt [get_property $pe points] {\n  puts x\n}\n"
    facts = analyse_request("list the cells on the worst path, excluding the launching register", "opensta", None)
    assert "foreach pt [lrange [get_property $pe points] 1 end] {" in without_start(script, facts)
    assert without_start(script, analyse_request("list the cells on the worst path", "opensta", None)) is None


def test_a_line_keeps_the_values_the_requested_line_names_and_drops_their_counting():
    facts = analyse_request("print `WNS = X` with 3 decimals", "opensta", None)
    script = ("set n 0\nforeach pe [find_timing_paths -slack_max 0] { incr n }\n"
              'puts [format "wns %.2f count %d" [sta::worst_slack -max] $n]\n')
    assert reshape(script, facts.templates) == 'puts [format "WNS = %.3f" [sta::worst_slack -max]]\n'
    kept = script.replace("$n]", "$n]\nputs $n")  # still read: the counting stays
    assert reshape(kept, facts.templates).startswith("set n 0\nforeach pe")


@needs_sta
def test_the_constraint_takes_the_object_without_a_path_role(demo_bench):
    facts = analyse_request("a 0.3 ns output delay applied to all count[*] ports, then report the "
                            "path to count[2]", "opensta", demo_bench.design)
    roles = {m.name: m.role for m in facts.mentions}
    assert roles == {"count[*]": "", "count[2]": "-to"}
    changes = lambda name: is_change(name, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    script = "set_output_delay 0.3 -clock clk [get_ports {count[2]}]\nreport_checks -to [get_ports {count[2]}]\n"
    assert constraint_objects(script, facts, changes) == script.replace(
        "clk [get_ports {count[2]}]", "clk [get_ports {count[*]}]", 1)


@needs_sta
def test_a_metric_function_is_not_penalised_for_path_flags_it_cannot_take(demo_bench):
    facts = analyse_request("Sum the negative setup slack over every endpoint and print `TNS: X` "
                            "with 2 decimals", "opensta", demo_bench.design)
    plain = 'puts [format "TNS: %.2f" [sta::total_negative_slack -max]]\n'
    counted = ("set n 0\nforeach pe [find_timing_paths -path_delay max -slack_max 0] { incr n }\n"
               'puts [format "tns %.2f n %d" [sta::total_negative_slack -max] $n]\n')
    score = lambda s: coverage(s, facts, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    assert score(plain) > score(counted)
    result = demo_bench.trial(plain, modifying=False)
    assert result.status == "ok" and result.output.strip().startswith("TNS: -")


@needs_sta
def test_the_requested_lines_take_the_paths_own_values_by_their_words(demo_bench):
    from copilot.generate.derive import path_values

    facts = analyse_request("For the worst hold path from req_a[0] print `slack S`, `arrival A` and "
                            "`required R`, 2 decimals", "opensta", demo_bench.design)
    script = ('set pe [lindex [find_timing_paths -path_delay min -from [get_ports {req_a[0]}]] 0]\n'
              'puts [format "%s" [get_full_name [get_property $pe endpoint]]]\n')
    out = path_values(script, facts)
    assert out.splitlines()[1:] == [
        'puts [format "slack %.2f" [get_property $pe slack]]',
        'puts [format "arrival %.2f" [get_property [lindex [get_property $pe points] end] arrival]]',
        'puts [format "required %.2f" [expr {[get_property [lindex [get_property $pe points] end] arrival]'
        ' - [get_property $pe slack]}]]']
    slack, arrival, required = (float(line.split()[1]) for line in
                                demo_bench.trial(out, modifying=False).output.strip().splitlines())
    assert abs(arrival - required - slack) < 0.011  # hold: slack = arrival - required
    assert path_values(script, analyse_request("print `count N`", "opensta", None)) is None


@needs_sta
def test_a_stated_role_beats_a_guessed_one_and_a_bus_is_not_its_bit(demo_bench):
    facts = analyse_request("Define a virtual clock vio with a 3 ns period, a 0.4 ns input delay relative "
                            "to vio on all req_b[*] inputs, then the worst setup path from req_b[1]",
                            "opensta", demo_bench.design)
    assert any(h.flag == "-name" and h.value == "vio" for h in facts.hints)
    by_name = {m.name: (m.role, m.stated) for m in facts.mentions}
    assert by_name == {"req_b[*]": ("-from", False), "req_b[1]": ("-from", True)}
    script = ("create_clock -name vio -period 3\nset_input_delay 0.4 -clock vio [get_ports {req_b[*]}]\n"
              "report_checks -path_delay max\n")
    from copilot.generate.grounding import apply_hints
    out = apply_hints(script, facts, demo_bench.catalog, demo_bench.rules, prune=False)
    assert "report_checks -path_delay max -from [get_ports {req_b[1]}]" in out
    assert coverage(out, facts, demo_bench.catalog, demo_bench.rules) > \
        coverage(script, facts, demo_bench.catalog, demo_bench.rules)


def test_a_number_slot_never_takes_a_name_and_a_path_loop_gives_the_worst_path():
    from copilot.generate.derive import path_values

    facts = analyse_request("For the worst setup path from req_op[0] print `slack S` and `arrival A`, "
                            "3 decimals", "opensta", None)
    script = ("foreach pe [find_timing_paths -path_delay max -from [get_ports {req_op[0]}]] {\n"
              '  puts [format "%s %.3f" [get_full_name [get_property $pe endpoint]] [get_property $pe slack]]\n}\n')
    assert reshape(script, facts.templates) is None  # `slack S` would print the endpoint's name
    assert path_values(script, facts) == (
        "set pe [lindex [find_timing_paths -path_delay max -from [get_ports {req_op[0]}]] 0]\n"
        'puts [format "slack %.3f" [get_property $pe slack]]\n'
        'puts [format "arrival %.3f" [get_property [lindex [get_property $pe points] end] arrival]]\n')


def test_hold_wording_reads_the_pins_hold_slack_and_a_sweep_prints_the_designs_wns():
    from copilot.generate.derive import slack_side

    facts = analyse_request("print the worst hold slack at _324_/D", "opensta", None)
    script = "puts [get_property [get_pins _324_/D] max_fall_slack]\n"
    assert slack_side(script, facts) == "puts [get_property [get_pins _324_/D] min_fall_slack]\n"
    assert slack_side(script, analyse_request("print the setup slack at _324_/D", "opensta", None)) is None
    facts = analyse_request("sweep the input delay on req_a[*] over 0.2, 0.4 and 0.6 ns and print "
                            "`delay D wns W`, 3 decimals", "opensta", None)
    sweep = ("foreach v {0.2 0.4 0.6} {\n  set_input_delay $v -clock clk [get_ports {req_a[*]}]\n"
             "  report_checks -from [get_ports {req_a[*]}]\n}\n")
    assert measured_sweep(sweep, facts) == sweep.replace(
        "report_checks -from [get_ports {req_a[*]}]", 'puts [format "%s %.3f" $v [sta::worst_slack -max]]')
    assert rows_then_count("set n 0\nforeach pe [find_timing_paths] { incr n }\nputs $n\n", analyse_request(
        "of the paths (one per endpoint), how many are tight? print `tight N`", "opensta", None)) is None


def test_the_clock_a_request_defines_or_redefines_is_named():
    for text, name in (("redefine clk on port clk at 1.9 ns", "clk"), ("create a clock core_clk with a 4 ns period", "core_clk"),
                       ("define fastclk as a 1 ns clock", "fastclk")):
        hints = analyse_request(text, "opensta", None).hints
        assert any(h.flag == "-name" and h.value == name for h in hints), text
    assert not any(h.flag == "-name" for h in analyse_request("create a clock with a 4 ns period", "opensta", None).hints)


def test_a_tally_keeps_entries_over_the_threshold_with_their_share_sorted_as_asked():
    from copilot.generate.derive import dict_threshold, rows_by_name, share_column
    from copilot.generate.loops import init_accumulators

    script = ("foreach c [get_cells *] {\n  dict incr cnt [get_property $c ref_name]\n}\nset rows {}\n"
              "dict for {ref n} $cnt { lappend rows [list $ref $n] }\n"
              "foreach r [lsort -integer -decreasing -index 1 $rows] {\n"
              '  puts [format "%s %d" [lindex $r 0] [lindex $r 1]]\n}\n')
    facts = analyse_request("for every lib cell with more than 4 instances print `REF N SHARE%`, the share "
                            "of all instances with 2 decimals, sorted by name", "opensta", None)
    kept = dict_threshold(script, facts)
    assert "dict for {ref n} $cnt { if {$n > 4} { lappend rows [list $ref $n] } }" in kept
    shared = share_column(kept, facts)
    assert "set total 0\nforeach c [dict values $cnt] { incr total $c }\ndict for" in shared
    assert 'puts [format "%s %d %.2f%%" [lindex $r 0] [lindex $r 1] [expr {100.0 * [lindex $r 1] / $total}]]' in shared
    assert "foreach r [lsort -index 0 $rows]" in rows_by_name(shared, facts)
    assert init_accumulators(script).startswith("set cnt {}\nforeach c [get_cells *] {")  # fresh on every run
    assert init_accumulators("set n 0\nforeach p [get_pins *] { incr n }\n") is None
    assert init_accumulators("proc f {} {\n  foreach p [get_pins *] { lappend l $p }\n}\n") is None


def test_slack_below_a_number_is_that_slack_max_and_below_zero_is_zero():
    def slack_max(text):
        return [h.value for h in analyse_request(text, "opensta", None).hints if h.flag == "-slack_max"]

    assert slack_max("how many of the 20 worst paths have slack below 0.5?") == ["0.5"]
    assert slack_max("endpoints with slack below 0") == ["0"]
    assert slack_max("registers with a setup slack below 0.29 ns") == ["0.29"]


def test_unit_changes_nobody_asked_for_cost_and_worse_than_is_slack_max(demo_bench):
    from copilot.generate.ranking import coverage
    from copilot.generate.hints import analyse_request

    facts = analyse_request("Print the number of flip-flops (register cells) in the design.", "opensta",
                            demo_bench.design)
    count = "puts [llength [all_registers -cells]]\n"
    share = ("set all [llength [get_cells *]]\nset ff [llength [all_registers -cells]]\n"
             "puts [format \"%.1f%%\" [expr {100.0 * $ff / $all}]]\n")
    score = lambda s, f=facts: coverage(s, f, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    assert score(count) > score(share)
    asked = analyse_request("Print the share of cells that are flip-flops as a percentage.", "opensta",
                            demo_bench.design)
    assert score(share, asked) - score(count, asked) > score(share) - score(count)  # asked: no cost
    facts = analyse_request("Report setup paths with slack worse than 0.1 ns, at most 10 of them",
                            "opensta", demo_bench.design)
    assert [(h.flag, h.value) for h in facts.hints if h.flag == "-slack_max"] == [("-slack_max", "0.1")]


def test_a_sweep_over_the_requests_own_values_ranks_first(demo_bench):
    from copilot.generate.ranking import coverage
    from copilot.generate.hints import analyse_request

    facts = analyse_request("Try clock periods 2.5 and 3.0 ns on port clk and print `P WNS` per step",
                            "opensta", demo_bench.design)
    loop = ("foreach p {%s} {\n  create_clock -name clk -period $p [get_ports clk]\n"
            "  puts [format \"%%.1f %%.3f\" $p [sta::worst_slack -max]]\n}\n")
    score = lambda s: coverage(s, facts, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    assert score(loop % "2.5 3.0") > score(loop % "2.5 2.6 2.7 2.8 2.9 3.0")


def test_print_asks_for_a_printed_value_and_a_guessed_role_needs_timing_words(demo_bench):
    from copilot.generate.ranking import coverage
    from copilot.generate.hints import analyse_request

    facts = analyse_request("Print the direction of port rst_n.", "opensta", demo_bench.design)
    score = lambda s: coverage(s, facts, demo_bench.catalog, demo_bench.rules)  # noqa: E731
    assert score("puts [get_property [get_ports rst_n] direction]\n") > score("report_checks -from [get_ports rst_n]\n")


def test_a_metric_takes_the_requested_side_and_is_printed_as_a_value():
    hold = analyse_request("Print the hold total negative slack with 3 decimals.", "opensta", None)
    assert metric_side('puts [format "%.3f" [sta::total_negative_slack -max]]\n', hold) == \
        'puts [format "%.3f" [sta::total_negative_slack -min]]\n'
    assert metric_side("puts [sta::worst_slack]\n", hold) == "puts [sta::worst_slack -min]\n"
    both = analyse_request("print the setup and hold WNS", "opensta", None)
    assert metric_side("puts [sta::worst_slack -max]\n", both) is None
    setup = analyse_request("Print the setup WNS with 2 decimals.", "opensta", None)
    assert metric_value("report_wns -digits 2\n", setup).startswith('puts [format "%.2f" [sta::worst_slack -max]]')
    # A report asked for stays a report.
    assert metric_value("report_wns -digits 2\n", analyse_request("report the WNS, 2 digits", "opensta", None)) is None


def test_reverse_alphabetical_names_sort_from_z_to_a():
    facts = analyse_request("List the output port names in reverse alphabetical order, one per line.", "opensta", None)
    script = "foreach n [lsort [lmap p [all_outputs] {get_full_name $p}]] { puts $n }\n"
    assert reverse_names(script, facts) == \
        "foreach n [lsort -decreasing [lmap p [all_outputs] {get_full_name $p}]] { puts $n }\n"
    assert reverse_names(script, analyse_request("list the outputs, sorted", "opensta", None)) is None


def test_a_copied_frequency_goes_back_to_the_period_unless_asked():
    period = analyse_request("Print the period of clock clk with 3 decimal places.", "opensta", None)
    copied = 'puts [format "%.3f" [expr {1000.0 / [get_property [get_clocks clk] period]}]]\n'
    assert without_frequency(copied, period) == 'puts [format "%.3f" [get_property [get_clocks clk] period]]\n'
    assert without_frequency(copied, analyse_request("print the frequency of clk in MHz", "opensta", None)) is None
