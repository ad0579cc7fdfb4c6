"""The nomination model: aggregates and their events, criteria, rule sets, hashing and
signing; no framework but eventsourcing."""
