"""The nomination model: aggregates, criteria, rule sets and the application service."""
