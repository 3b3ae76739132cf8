"""Script generation: retrieval, prompting, checks, the tool as judge, repair."""
