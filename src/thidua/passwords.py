"""Passwords for the composition root and the CLI: the API's own hashing and policy."""

from __future__ import annotations

from api.security import hash_password, password_problem, verify_password

__all__ = ["hash_password", "password_problem", "verify_password"]
