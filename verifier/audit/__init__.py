"""The hash-chained event log and the audit that replays it."""
