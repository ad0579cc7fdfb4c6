"""Reminders and escalations reach people: by e-mail over SMTP, or into the log."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import structlog


class Notifier(Protocol):
    def send(self, recipients: Sequence[str], subject: str, body: str) -> None: ...


@dataclass
class LogNotifier:
    """For development: the message goes to the log instead of a mail server."""

    def send(self, recipients: Sequence[str], subject: str, body: str) -> None:
        structlog.get_logger().info(
            "notification", recipients=list(recipients), subject=subject, body=body
        )


@dataclass
class SmtpNotifier:
    host: str
    port: int
    sender: str
    timeout: float = 10.0

    def send(self, recipients: Sequence[str], subject: str, body: str) -> None:
        if not recipients:
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


@dataclass
class Directory:
    """Who is told: addresses per ``role:scope`` (or ``role``), else a derived mailbox."""

    addresses: Mapping[str, Sequence[str]] = field(default_factory=dict)
    domain: str = "thidua.local"

    def recipients(self, role: str, scope: str | None = None) -> list[str]:
        for key in (f"{role}:{scope}" if scope else None, role):
            if key and key in self.addresses:
                return sorted(self.addresses[key])
        return [f"{role}.{scope or 'tinh'}@{self.domain}".lower()]
