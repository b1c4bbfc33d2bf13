"""Benchmark and measurement scripts that print figures (run with python -m rag.benchmarks.<name>)."""
