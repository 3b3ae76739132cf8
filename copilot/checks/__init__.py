"""Checks on scripts before they run: syntax, lint against the catalog, safety."""
