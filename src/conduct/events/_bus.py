"""The dispatcher behind domain events and providers: synchronous, in the caller's transaction, in a fixed
order.

Apps register their handlers and providers in `AppConfig.ready()`; nothing here imports an app. A handler runs
inside the transaction of the service that emitted the event, so its writes (and their ledger entries) commit
or roll back with the emitter's, and an exception in a handler undoes the whole change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

E = TypeVar("E", bound="Event")
P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Event:
    """Base class of every domain event. Subclasses are frozen dataclasses whose docstring says who emits the
    event, when (inside which transaction), and what each field holds."""


Handler = Callable[[Any], Any]

_lock = threading.Lock()
_handlers: dict[type[Event], list[tuple[str, Handler]]] = {}


def subscribe(event_type: type[E], *, name: str) -> Callable[[Callable[[E], R]], Callable[[E], R]]:
    """Register the decorated function as a handler of `event_type`. `name` identifies it (registering the
    same name again replaces the handler in place, so a module imported twice does not handle an event
    twice)."""

    def register(handler: Callable[[E], R]) -> Callable[[E], R]:
        with _lock:
            registered = _handlers.setdefault(event_type, [])
            for index, (existing, _) in enumerate(registered):
                if existing == name:
                    registered[index] = (name, handler)
                    break
            else:
                registered.append((name, handler))
        return handler

    return register


def handlers(event_type: type[Event]) -> list[str]:
    """The names of `event_type`'s handlers, in the order they run (registration order)."""
    return [name for name, _ in _handlers.get(event_type, [])]


def emit(event: Event) -> list[Any]:
    """Run every handler of the event's type, in registration order, and return their results in that order.

    Runs synchronously in the caller's transaction; an exception from a handler propagates to the emitter."""
    return [handler(event) for _, handler in list(_handlers.get(type(event), []))]


class ProviderMissing(LookupError):
    """A provider was called before any app registered an implementation of it."""


class Provider(Generic[P, R]):
    """One cross-app read (or command whose answer the caller needs), implemented by exactly one app.

    The app that owns the data registers the implementation at start-up; callers in other apps call the
    provider and never import the owning app's services or selectors."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._impl: Callable[P, R] | None = None

    def register(self, impl: Callable[P, R]) -> Callable[P, R]:
        self._impl = impl
        return impl

    @property
    def registered(self) -> bool:
        return self._impl is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._impl is None:
            raise ProviderMissing(f"No app registered the provider {self.name!r}.")
        return self._impl(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Provider {self.name}{'' if self._impl else ' (unregistered)'}>"
