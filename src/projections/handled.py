"""A projection whose topics are the events its handlers name, so the two cannot drift."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

V = TypeVar("V", bound=TrackingRecorder)
Handler = Callable[[Any, Any, Tracking], None]
H = TypeVar("H", bound=Handler)

_named: dict[Callable[..., Any], tuple[type, ...]] = {}


def handles(*kinds: type) -> Callable[[H], H]:
    """Marks a method as the handler of these event classes."""

    def mark(handler: H) -> H:
        _named[handler] = kinds
        return handler

    return mark


class HandledProjection(Projection[V], Generic[V]):
    """Subscribes to exactly the event classes its ``@handles`` methods name, and to no others.

    Listing topics beside the handlers let them part: a handler whose topic was not listed never
    ran, and a listed topic without a handler was read for nothing. An event no handler names is
    passed over.
    """

    handlers: ClassVar[dict[type, Handler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[type, Handler] = {}
        for klass in reversed(cls.__mro__):
            for method in vars(klass).values():
                for kind in _named.get(method, ()) if callable(method) else ():
                    handlers[kind] = method
        cls.handlers = handlers
        if "topics" not in cls.__dict__:
            cls.topics = tuple(sorted(get_topic(kind) for kind in handlers))

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        handler = self.handlers.get(type(domain_event))
        if handler is not None:
            handler(self, domain_event, tracking)
