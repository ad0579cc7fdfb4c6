"""The board as it stood at a moment, replayed into a throwaway view — never the live one."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from projections.board import BoardPage, BoardProjection, BoardQuery, BoardView
from projections.views.database import SQLiteDatabase


def board_as_of(
    app: Application[Any], moment: datetime, query: BoardQuery, page_size: int = 500
) -> BoardPage:
    if moment.tzinfo is None:
        raise ValueError("as_of: must include a time zone")
    with tempfile.TemporaryDirectory(prefix="thidua-board-") as folder:
        database = SQLiteDatabase(str(Path(folder) / "board.sqlite3"))
        try:
            projection = BoardProjection(BoardView(database))
            position = 0
            head = app.recorder.max_notification_id() or 0
            while position < head:
                notifications = app.recorder.select_notifications(
                    start=position,
                    limit=page_size,
                    stop=head,
                    topics=projection.topics,
                    inclusive_of_start=False,
                )
                if not notifications:
                    break
                with projection.view.page():
                    for notification in notifications:
                        event = app.mapper.to_domain_event(notification)
                        if event.timestamp <= moment:  # type: ignore[attr-defined]
                            projection.process_event(event, Tracking(app.name, notification.id))
                position = notifications[-1].id
            return projection.view.page_of(query)
        finally:
            database.close()
