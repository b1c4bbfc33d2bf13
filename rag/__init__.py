"""Cited question answering over Vietnamese local news: ingest, hybrid retrieval, grounded answers."""

__version__ = "0.1.0"
