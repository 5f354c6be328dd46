"""Untrusted PDFs: parsed in a sandbox, their signature and embedded proof checked."""
