"""Read models built from the event log, each applied exactly once."""
