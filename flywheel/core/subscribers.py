"""The registry of domain-event subscribers: named, each with the events it takes.

An app registers in its `AppConfig.ready()` (by importing its `subscribers` module):

    @subscriber("ugc.requests_from_events", on="events.ingested")
    def ask_for_content(events: list[DomainEvent]) -> None: ...

A subscriber receives a batch of events of one tenant (the tenant in scope) and must be
written set-based: one call for a 1,000-event import, not 1,000. It takes effect once per
event: the bus writes its ledger row in the same transaction as its effects
(`flywheel.core.delivery`), retries it alone when it fails and parks it after its last retry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Handler = Callable[[list], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    events: frozenset[str]  # event names, or {"*"} for every event
    func: Handler
    max_attempts: int = 6

    def takes(self, event_name: str) -> bool:
        return "*" in self.events or event_name in self.events


_registry: dict[str, Subscriber] = {}


def subscriber(
    name: str, *, on: str | Iterable[str], max_attempts: int = 6
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the subscriber `name` of the events `on`."""
    names = frozenset([on] if isinstance(on, str) else on)

    def register(func: Handler) -> Handler:
        existing = _registry.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"Two subscribers are called {name!r}.")
        _registry[name] = Subscriber(name, names, func, max_attempts)
        return func

    return register


def unregister(name: str) -> None:
    """Remove a subscriber (tests)."""
    _registry.pop(name, None)


def get(name: str) -> Subscriber | None:
    return _registry.get(name)


def subscribers_for(event_name: str) -> list[Subscriber]:
    """The subscribers of events called `event_name`, in name order."""
    return sorted((s for s in _registry.values() if s.takes(event_name)), key=lambda s: s.name)


def names() -> list[str]:
    """Every registered subscriber's name, sorted."""
    return sorted(_registry)
