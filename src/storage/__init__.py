"""The event store's adapters: SQLite and PostgreSQL recorders, the append-only guards
that make the store refuse changes, and the owner's migration."""
