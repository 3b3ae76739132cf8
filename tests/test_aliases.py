"""Alias mapping for long paths and hashes: round trip on any text, and restore of model output."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from copilot.summarize.aliases import _TOKEN, _TRAILING, Aliases, is_hash, is_long_path

PATH = "/proj/soc/work/mkovacs/pnr/r2024_02_10/extract/soc_core.cworst.spef"
SHA = "9b41e6f2c0d35a7e8f1b2c4d6e8a0b3c5d7e9f10"

# Text made of the pieces that matter: paths, hashes, alias look-alikes, separators.
pieces = st.sampled_from([PATH, SHA, "PATH1", "HASH2", "PATHX1", "/a/b", "/usr/share/qflow/tech/osu018/x.lib",
                          "deadbeef", "0a1b2c3d4e", ".", ":", " ", "\n", "(", ")", "[", "]", '"', "'", "_", "x"])
texts = st.lists(st.one_of(pieces, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_restore_inverts_apply_on_any_text(text):
    aliases = Aliases.for_text(text)
    assert aliases.restore(aliases.apply(text)) == text


@settings(max_examples=200, deadline=None)
@given(texts)
def test_aliased_text_holds_no_long_path_or_hash(text):
    aliased = Aliases.for_text(text).apply(text)
    for match in _TOKEN.finditer(aliased):
        token = match.group(0).rstrip(_TRAILING)
        assert not is_long_path(token) and not is_hash(token), token


def test_same_string_gets_the_same_alias_and_model_output_is_restored():
    text = f"read {PATH} at {SHA}; again {PATH}."
    aliases = Aliases.for_text(text)
    aliased = aliases.apply(text)
    assert aliased == "read PATH1 at HASH1; again PATH1."
    assert aliases.restore("The SPEF PATH1 crashes; fixed in HASH1 (not PATH7).") == \
        f"The SPEF {PATH} crashes; fixed in {SHA} (not PATH7)."


def test_alias_prefix_avoids_names_already_in_the_text():
    text = f"the variable PATH1 is set; file {PATH}"
    aliases = Aliases.for_text(text)
    aliased = aliases.apply(text)
    assert "PATH1 is set" in aliased and "PATHX1" in aliased
    assert aliases.restore(aliased) == text
