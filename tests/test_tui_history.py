"""The TUI's pure parts: history persistence and search, script saving, the Tcl highlight query."""

from __future__ import annotations

import json

from copilot.tui.history import MAX_ENTRIES, Entry, History, save_script


def test_history_round_trips_and_searches_newest_first(tmp_path):
    path = tmp_path / "sub" / "history.json"
    history = History.load(path)
    assert history.entries == []
    history.add(Entry("generate", "worst hold paths", script="report_checks -path_delay min\n", status="valid"))
    history.add(Entry("ask", "what is a generated clock", answer="A derived clock [1].",
                      citations=[{"ref": 1, "title": "t", "source": "s", "page": 3}]))
    history.add(Entry("run", "report_tns", output="tns -1.2", status="ok"))
    again = History.load(path)
    assert [e.request for e in again.entries] == ["worst hold paths", "what is a generated clock", "report_tns"]
    assert again.entries[1].citations[0]["page"] == 3
    assert [e.request for e in again.search("")] == ["report_tns", "what is a generated clock", "worst hold paths"]
    assert [e.request for e in again.search("PATH_DELAY min")] == ["worst hold paths"]  # script text, any case
    assert [e.request for e in again.search("derived clock")] == ["what is a generated clock"]
    assert again.search("hold nothing") == []


def test_damaged_or_foreign_history_starts_empty(tmp_path):
    path = tmp_path / "history.json"
    path.write_text("{not json")
    assert History.load(path).entries == []
    path.write_text(json.dumps({"entries": [{"kind": "ask", "request": "ok"}, {"kind": "nope", "request": "x"},
                                            {"request": "no kind"}, "junk"]}))
    assert [e.request for e in History.load(path).entries] == ["ok"]


def test_history_is_capped_and_written_atomically(tmp_path):
    path = tmp_path / "history.json"
    history = History(path, [Entry("run", f"cmd {n}") for n in range(MAX_ENTRIES)])
    history.add(Entry("run", "newest"))
    assert len(History.load(path).entries) == MAX_ENTRIES
    assert History.load(path).entries[-1].request == "newest"
    assert [p.name for p in tmp_path.iterdir()] == ["history.json"]  # no temp file left behind


def test_save_script_adds_a_final_newline(tmp_path):
    target = save_script(tmp_path / "a.tcl", "report_tns")
    assert target.read_text() == "report_tns\n"
    save_script(target, "report_wns\n")
    assert target.read_text() == "report_wns\n"


def test_tcl_highlight_query_compiles_and_captures():
    from tree_sitter import Query, QueryCursor
    from tree_sitter_language_pack import get_parser

    from copilot.tui.editor import tcl_language

    language, query_text = tcl_language()
    query = Query(language, query_text)
    src = b"# setup paths\nset n 3\nreport_checks -path_delay max -group_count $n\nputs \"done\"\n"
    captures = QueryCursor(query).captures(get_parser("tcl").parse(src).root_node)
    text = {name: sorted(src[n.start_byte:n.end_byte].decode() for n in nodes) for name, nodes in captures.items()}
    assert text["comment"] == ["# setup paths"]
    assert "report_checks" in text["function.call"]
    assert text["type.builtin"] == ["-group_count", "-path_delay"]  # flags, not their values
    assert "$n" in text["constant.builtin"] and text["string"] == ['"done"']
    assert "set" in text["keyword"]
