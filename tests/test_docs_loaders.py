"""Docs loaders, chunking and discovery: pure, no embeddings or store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SHARED
from copilot.docs.chunking import chunk_document
from copilot.docs.document import PAGE_BREAK, Document, Section
from copilot.docs.keyword_index import doc_tokens
from copilot.docs.loaders import load_document
from copilot.docs.sources import discover
from copilot.errors import InputError
from docs_fixtures import HTML, MARKDOWN, RST, timing_manual_pdf, write_man_page, write_pdf

MANUAL = SHARED / "corpus" / "opensta" / "OpenSTA-2.0.pdf"


def test_pdf_sections_follow_bold_headings_and_keep_pages(tmp_path):
    doc = load_document(timing_manual_pdf(tmp_path / "manual.pdf"))
    assert [s.heading for s in doc.sections] == ["Commands", "create_clock", "set_load", "report_checks"]
    set_load = doc.sections[2]
    assert set_load.page == 1 and PAGE_BREAK in set_load.text  # runs onto page 2
    passages = chunk_document(doc, min_chars=0)  # no merging: one passage per command
    by_title = {p.title.split(" — ")[-1]: p for p in passages}
    assert by_title["report_checks"].page == 2
    assert "Wire capacitance can also be annotated" in by_title["set_load"].text
    assert all(PAGE_BREAK not in p.text for p in passages)


@pytest.mark.skipif(not MANUAL.is_file(), reason="OpenSTA manual not in ../shared/corpus")
def test_real_manual_keeps_each_command_section_together():
    doc = load_document(MANUAL)
    headings = [s.heading for s in doc.sections]
    # a heading that wraps in its table cell is joined again
    assert "set_disable_inferred_clock_gating" in headings
    assert {"create_clock", "report_checks", "set_input_delay", "read_spef"} <= set(headings)
    passages = chunk_document(doc)
    clock = next(p for p in passages if p.title.endswith("— create_clock"))
    assert clock.page == 4 and "If no pin_list is specified the clock is virtual" in " ".join(clock.text.split())
    assert all(len(p.text) <= 1500 for p in passages)


def test_man_page_renders_to_plain_text_with_sections(tmp_path):
    for gz in (True, False):
        folder = tmp_path / ("gz" if gz else "plain")
        folder.mkdir()
        doc = load_document(write_man_page(folder, gz=gz))
        assert doc.title == "frobnicate(n): frobnicate - Twist the bits of a value"
        assert [s.heading for s in doc.sections] == ["NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLE", "KEYWORDS"]
        text = "\n".join(s.text for s in doc.sections)
        assert "frobnicate ?-twice? value" in text
        for markup in ("\x08", "\x1b", "\\f", ".SH", "\u2010"):
            assert markup not in text


@pytest.mark.skipif(not Path("/usr/share/man/man3/string.3tcl.gz").exists(), reason="tcl8.6-doc not installed")
def test_tcl_man_page_has_no_change_bars_or_markup():
    doc = load_document(Path("/usr/share/man/man3/string.3tcl.gz"))
    text = "\n".join(s.text for s in doc.sections)
    assert "string match ?-nocase? pattern string" in text
    assert "\u2502" not in text and "\x08" not in text and "\x1b[" not in text


def test_markdown_sections_by_heading_and_fences_are_not_headings(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Team flow notes"
    headings = [s.heading for s in doc.sections]
    assert headings == ["Team flow notes", "Team flow notes > Loading the design", "Team flow notes > Setext heading"]
    assert "# not a heading inside a fence" in doc.sections[1].text


def test_rst_heading_levels_from_underlines(tmp_path):
    path = tmp_path / "signoff.rst"
    path.write_text(RST, encoding="utf-8")
    doc = load_document(path)
    assert [s.heading for s in doc.sections] == ["Timing signoff", "Timing signoff > Corners"]
    assert doc.sections[1].text == "We sign off at the slow corner ss_0p72v_125c."


def test_html_to_text_drops_scripts_and_keeps_inline_spacing(tmp_path):
    path = tmp_path / "tips.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Flow & Tips"
    text = "\n".join(f"{s.heading}\n{s.text}" for s in doc.sections)
    assert "The report_checks command prints paths." in text
    assert "alert" not in text and "color" not in text and "<" not in text
    clocks = next(s for s in doc.sections if s.heading == "Clocks")
    assert "  set x 1" in clocks.text  # <pre> keeps its indentation


def test_examples_and_text_files(tmp_path):
    (tmp_path / "constraints.sdc").write_text("create_clock -period 5 clk\n", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("Flow readme\n\nSecond paragraph.\n", encoding="utf-8")
    sdc = load_document(tmp_path / "constraints.sdc")
    assert sdc.kind == "example" and sdc.title == "SDC example constraints.sdc"
    assert load_document(tmp_path / "readme.txt").title == "Flow readme"


@pytest.mark.parametrize("name,data,needle", [
    ("blob.txt", b"\x00\x01\x02binary", "is a binary file"),
    ("latin.md", "caf\xe9 notes".encode("latin-1"), "is not UTF-8"),
    ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "is damaged or not a PDF"),
    ("empty.md", b"\n\n", "has no text to index"),
])
def test_bad_files_are_one_clear_line(tmp_path, name, data, needle):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=needle) as info:
        load_document(path)
    assert "\n" not in info.value.message and str(path) in info.value.message


def test_encrypted_and_image_only_pdfs(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(InputError, match="is encrypted; decrypt it"):
        load_document(tmp_path / "locked.pdf")
    write_pdf(tmp_path / "scan.pdf", [[]])  # a page with no text, as a scanned image has
    with pytest.raises(InputError, match="no text layer"):
        load_document(tmp_path / "scan.pdf")


def test_long_sections_split_with_heading_and_small_ones_merge():
    body = "\n\n".join(f"Paragraph {n} " + "word " * 60 for n in range(12))
    doc = Document("src.txt", "Doc", "text", [Section("tiny one", "short."), Section("tiny two", "also short."),
                                              Section("long", body)])
    passages = chunk_document(doc, min_chars=200, max_chars=700)
    # the two short sections are joined with the first piece of the long one
    assert passages[0].title == "Doc — tiny one, tiny two, long"
    assert passages[0].text.startswith("Doc\ntiny one\nshort.\n\ntiny two\nalso short.\n\nlong\n")
    rest = passages[1:]
    assert len(rest) > 3 and all(len(p.text) <= 700 for p in passages)
    assert all(p.text.startswith("Doc\nlong (continued)\n") for p in rest)
    joined = " ".join(p.text for p in passages)
    assert all(f"Paragraph {n} " in joined for n in range(12))


def test_page_of_each_chunk_counts_page_breaks():
    pages = PAGE_BREAK.join(f"Page {n} text. " * 30 for n in range(1, 5))
    doc = Document("m.pdf", "M", "pdf", [Section("cmd", pages, page=3)])
    passages = chunk_document(doc, min_chars=100, max_chars=500)
    assert passages[0].page == 3
    for p in passages:
        first_page = int(p.text.split("Page ", 1)[1].split()[0])
        assert p.page == 3 + first_page - 1


def test_discover_walks_folders_once_per_real_file(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / ".git").mkdir()
    (docs / "a.md").write_text("# A\ntext", encoding="utf-8")
    (docs / ".git" / "b.md").write_text("# hidden", encoding="utf-8")
    (docs / "picture.png").write_bytes(b"\x89PNG")
    os.symlink(docs / "a.md", docs / "sub" / "alias.md")
    os.symlink(docs, docs / "sub" / "loop")  # a folder link back up must not loop
    sources = discover([docs])
    assert [s.key for s in sources] == [str((docs / "a.md").resolve())]
    assert sources[0].via == str(docs.resolve()) and not sources[0].explicit


def test_discover_refuses_empty_folders_and_unknown_files(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no documents under"):
        discover([tmp_path / "empty"])
    (tmp_path / "x.bin").write_bytes(b"\0")
    with pytest.raises(InputError, match="not a document type"):
        discover([tmp_path / "x.bin"])
    with pytest.raises(InputError, match="does not exist"):
        discover([tmp_path / "missing.pdf"])


def test_keyword_tokens_keep_identifiers_and_their_parts():
    tokens = doc_tokens("Use report_checks -path_delay min; abbreviated flags")
    assert {"report_checks", "report", "check", "path_delay", "path", "delay", "min"} <= set(tokens)
    assert doc_tokens("abbreviated")[0] == doc_tokens("abbreviate")[0]


@pytest.mark.skipif(not Path("/usr/share/man/man3/lsort.3tcl.gz").exists(), reason="tcl8.6-doc not installed")
def test_default_corpus_takes_script_level_tcl_pages_once():
    from copilot.docs.default_corpus import tcl_man_pages

    names = [Path(s.key).name for s in tcl_man_pages()]
    assert "lsort.3tcl.gz" in names and "string.3tcl.gz" in names
    assert not any(n.startswith("Tcl_") for n in names)  # C library pages are left out
    assert len(names) == len(set(names)) and len(names) > 100


def test_tool_catalog_source_lists_every_command_usage(app):
    from copilot.docs.tool_catalog import CatalogSource

    source = CatalogSource(app, "opensta")
    document = source.load()
    assert source.key == "tool:opensta" and document.kind == "catalog"
    texts = {s.heading: s.text for s in document.sections}
    assert texts["create_clock"].startswith("usage: create_clock ") and "-period" in texts["create_clock"]
    assert "not in OpenSTA 2.0.17" in texts["report_units"]
    assert source.fingerprint() == CatalogSource(app, "opensta").fingerprint()
