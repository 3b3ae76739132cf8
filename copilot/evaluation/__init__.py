"""Execution-judged benchmarks: dev tasks for scripts, QA sets for retrieval."""
