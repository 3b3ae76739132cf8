"""The command catalog introspected from the live tools (sta's help, tclsh's info commands)."""

from __future__ import annotations

import pytest

from conftest import have, needs_sta
from copilot.catalog import load_catalog
from copilot.catalog.introspect import parse_help_listing
from copilot.shells.factory import open_session
from copilot.shells.profile import load_profile


@needs_sta
def test_sta_catalog_lists_every_command_help_lists_with_flags(app, tmp_path):
    session = open_session(app, load_profile("opensta"), tmp_path, timeout=10)
    try:
        listed = parse_help_listing(session.evaluate("help"))
        catalog = load_catalog(app, "opensta", session=session)
    finally:
        session.close()
    assert len(listed) == 161  # Debian OpenSTA 2.0.17
    assert set(listed) <= set(catalog.commands)
    assert all(catalog.commands[name].documented for name in listed)
    with_flags = [n for n, usage in listed.items() if " -" in f" {usage}"]
    assert all(catalog.commands[n].flags for n in with_flags)
    checks = catalog.commands["report_checks"]
    assert {"-path_delay", "-group_count", "-fields"} <= set(checks.flags)
    assert "max" in checks.flags["-path_delay"].choices
    assert catalog.commands["report_checks"].kind == "read"
    assert catalog.commands["create_clock"].kind == "modify"


@pytest.mark.skipif(not have("tclsh"), reason="tclsh not installed")
def test_tclsh_catalog_comes_from_info_commands(app, tmp_path):
    session = open_session(app, load_profile("tclsh"), tmp_path)
    try:
        catalog = load_catalog(app, "tclsh", session=session)
    finally:
        session.close()
    assert {"puts", "foreach", "dict", "exec"} <= set(catalog.commands)
    assert catalog.commands["exec"].kind == "os" and catalog.commands["lsort"].kind == "control"
    assert not any(name.startswith("copilot_rt") for name in catalog.commands)
