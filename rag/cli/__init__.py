"""The `rag` command line: one module per command (index, ask, check, evaluate; serve lives in ui.serve).

The entry point is rag.cli.main:main; `python -m rag.cli` runs it too."""
