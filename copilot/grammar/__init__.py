"""GBNF grammars for constrained decoding, built from a tool's command catalog."""
