"""Offline evaluation: question sets, metrics, run summaries and reports."""
