"""Domain events and providers: how one app reacts to, or reads from, another without importing it.

Events (frozen dataclasses, one module per emitting domain) are dispatched synchronously inside the emitter's
transaction to the handlers apps register in `AppConfig.ready()`. Providers are single cross-app reads that
the owning app implements. See docs/architecture.md for the catalogue: who emits, who listens, and when.
"""

from conduct.events._bus import Event, Provider, ProviderMissing, emit, handlers, subscribe

__all__ = ["Event", "Provider", "ProviderMissing", "emit", "handlers", "subscribe"]
