"""Temporal workflows: deadlines, reminders, inspection visits and council sessions."""
