"""A projection whose topics are the events its handlers register, so the two cannot drift."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from eventsourcing.persistence import TrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

V = TypeVar("V", bound=TrackingRecorder)


class HandledProjection(Projection[V], Generic[V]):
    """Subscribes to exactly the event classes its ``process_event`` registers handlers for.

    Listing topics beside the handlers let them part: a handler whose topic was not listed never
    ran, and a listed topic without a handler was read for nothing.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers = cls.__dict__.get("process_event")  # the descriptor, not the bound function
        if handlers is not None and "topics" not in cls.__dict__:
            registered = handlers.dispatcher.registry
            cls.topics = tuple(sorted(get_topic(kind) for kind in registered if kind is not object))
