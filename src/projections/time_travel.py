"""The board as it stood at a moment, replayed into a throwaway view — never the live one."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from domain.chain import occurred_at
from domain.store import log_pages
from projections.board import BoardPage, BoardProjection, BoardQuery, BoardView
from storage.views import SQLiteDatabase


def board_as_of(
    app: Application[Any], moment: datetime, query: BoardQuery, page_size: int = 500
) -> BoardPage:
    if moment.tzinfo is None:
        raise ValueError("as_of: must include a time zone")
    with tempfile.TemporaryDirectory(prefix="thidua-board-") as folder:
        database = SQLiteDatabase(str(Path(folder) / "board.sqlite3"))
        try:
            projection = BoardProjection(BoardView(database))
            head = app.recorder.max_notification_id() or 0
            pages = log_pages(
                app.recorder, upto=head, page_size=page_size, topics=projection.topics
            )
            for notifications in pages:
                with projection.view.page():
                    for notification in notifications:
                        event = app.mapper.to_domain_event(notification)
                        if occurred_at(event) <= moment:
                            projection.process_event(event, Tracking(app.name, notification.id))
            return projection.view.page_of(query)
        finally:
            database.close()
