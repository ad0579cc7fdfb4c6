"""The HTTP API and the web UI it serves."""
