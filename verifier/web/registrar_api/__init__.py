"""The bearer-token API for institutions' systems."""
