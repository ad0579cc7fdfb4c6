"""View interfaces and their storage in the event store's own database."""
