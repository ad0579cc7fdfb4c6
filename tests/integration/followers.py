"""Concurrent writers and one follower: does the follower ever pass over an event?"""

from __future__ import annotations

import threading
from datetime import date

from service.nomination_service import NominationService
from tests.factories import SYSTEM, ctx, officer

CODES = ["S-829-01", "S-831-01", "S-832-01", "S-834-01"]


def follow_while_writing(writers: list[NominationService], events_each: int) -> list[int]:
    """Each writer appends ``events_each`` reminders to its own nomination while a follower
    reads "after the last id it saw"; returns the ids the follower saw, in order."""
    ids = [
        w.open_nomination(ctx(officer(), date(2024, 1, 8)), code, "bang-khen-tinh", 2023).id
        for w, code in zip(writers, CODES, strict=False)
    ]
    recorder = writers[0].recorder
    done = threading.Event()
    seen: list[int] = []

    def follow() -> None:
        last = recorder.max_notification_id() or 0
        seen.extend(range(1, last + 1))
        while True:
            finished = done.is_set()
            batch = recorder.select_notifications(last + 1, 50)
            for notification in batch:
                seen.append(notification.id)
                last = notification.id
            if finished and not batch:
                return

    def write(index: int) -> None:
        for i in range(events_each):
            writers[index].record_reminder(
                ctx(SYSTEM), ids[index], "collecting", ["a@example.org"], f"#{i}"
            )

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(writers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()
    return seen
