"""One router per resource or role."""
