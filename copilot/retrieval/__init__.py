"""Ranking shared by example retrieval and docs search."""
