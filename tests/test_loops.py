"""Loops adapted to the request: name order, the request's sweep values, every path."""

from __future__ import annotations

from conftest import needs_sta
from copilot.generate.loops import every_path, first_rows, number_lists, sorted_loop, sweep_loop, sweep_values
from test_generate import demo_bench, make_generator  # noqa: F401 (a fixture)


def test_number_lists_in_the_request():
    text = "over 1.8, 2.0, 2.2 and 2.4 ns, then 0, 0.05 or 0.1; the 3 worst"
    assert number_lists(text) == [["1.8", "2.0", "2.2", "2.4"], ["0", "0.05", "0.1"]]


def test_sweep_takes_the_request_values():
    assert sweep_values("foreach p {2.0 2.2} {\n  puts $p\n}\n", [["3"], ["1.8", "2.0", "2.4"]]) == \
        "foreach p {1.8 2.0 2.4} {\n  puts $p\n}\n"
    assert sweep_values("foreach p [all_inputs] {\n  puts $p\n}\n", [["1", "2"]]) is None


def test_object_loops_in_name_order_and_every_path():
    assert sorted_loop("foreach p [all_inputs] {\n  puts [get_full_name $p]\n}\n") == \
        "foreach p [sta::sort_by_full_name [all_inputs]] {\n  puts [get_full_name $p]\n}\n"
    assert sorted_loop("foreach n [lsort $names] { puts $n }\n") is None
    first = "set pe [lindex [find_timing_paths -group_count 5] 0]\nputs [get_property $pe slack]\n"
    assert every_path(first) == \
        "foreach pe [find_timing_paths -group_count 5] {\n  puts [get_property $pe slack]\n}\n"
    assert every_path(first + "report_tns\n") is None  # a line not about the path: left alone


@needs_sta
def test_sorted_listing_runs_in_the_tool(app, demo_bench):
    _, gen = make_generator(app, demo_bench, [
        "foreach p [all_inputs] {\n  puts [get_full_name $p]\n}\n"])
    result = gen.generate("List the input ports sorted by name, one per line.")
    names = result.output.split()
    assert result.valid and names == sorted(names) and "req_a[0]" in names


def test_sweep_wraps_a_set_then_report_script_and_worst_n_takes_the_first_rows():
    from copilot.generate.printing import templates, with_loop_value

    script = "set_timing_derate -late 1.05\nputs [format \"wns %.3f\" [sta::worst_slack -max]]\n"
    swept = sweep_loop(script, [["1.00", "1.05", "1.10"]], lambda name: name.startswith("set_"))
    assert swept == ("foreach v {1.00 1.05 1.10} {\n  set_timing_derate -late $v\n"
                     "  puts [format \"wns %.3f\" [sta::worst_slack -max]]\n}\n")
    temps = templates("print `derate D wns W` per step, D with 2 decimals and W with 3 decimals")
    assert with_loop_value(swept, temps, "$v").endswith(
        "  puts [format \"derate %.2f wns %.3f\" $v [sta::worst_slack -max]]\n}\n")
    assert sweep_loop("foreach p {1 2} {\n  set_load $p x\n}\n", [["1", "2"]], lambda n: True) is None
    # A sweep written out by hand: the loop keeps one step, not the literal others.
    unrolled = ("set_timing_derate -late 1.00\nset_timing_derate -late 1.05\nset_timing_derate -late 1.10\n"
                "set_timing_derate -early 0.95\nreport_wns\n")
    assert sweep_loop(unrolled, [["1.00", "1.05", "1.10"]], lambda name: name.startswith("set_")) == (
        "foreach v {1.00 1.05 1.10} {\n  set_timing_derate -late $v\n  set_timing_derate -early 0.95\n"
        "  report_wns\n}\n")
    table = "foreach r [lsort -real -index 1 $rows] {\n  puts $r\n}\n"
    assert first_rows(table, 5) == "foreach r [lrange [lsort -real -index 1 $rows] 0 4] {\n  puts $r\n}\n"

