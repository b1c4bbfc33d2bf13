"""From files to chunks: loaders and cleaning, encodings, JSONL reading, token-bounded chunking."""
