"""Imports: CSV/JSONL files, screening, the worker pipeline, background jobs."""
