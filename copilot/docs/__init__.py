"""Engineering Q&A over tool documentation: load, chunk, index (Chroma + BM25), search, ask."""
