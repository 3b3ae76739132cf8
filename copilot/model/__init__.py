"""Language-model backends behind one small interface (embedded llama.cpp by default)."""
