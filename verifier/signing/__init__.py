"""Signing: keys, tokens (JWS) and their canonical encodings."""
