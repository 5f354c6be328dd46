"""Archive records: documents issued before the registry, transcribed from issue books."""
