"""Formal inquiries: requests for an official answer about a document (DESIGN.md, "Inquiries")."""
