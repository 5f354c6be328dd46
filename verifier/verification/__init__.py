"""Verification: one answer for a number, a token or a PDF."""
