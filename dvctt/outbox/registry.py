"""Outside systems register here: which topics they want messages for, and how a message is delivered.

An integration registers its :class:`Adapter` in its ``AppConfig.ready``. The outbox knows nothing of dossiers
or of any system: a domain publishes a topic (``"dossier"``) with a key, the registry turns it into one message
per system that wants it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dvctt.outbox.models import Message


@dataclass(frozen=True)
class Delivery:
    """The outcome of one attempt. ``answer`` is the remote's raw answer (kept on the message)."""

    ok: bool
    answer: str = ""
    error: str = ""


class Adapter(Protocol):
    system: str
    topics: frozenset[str]

    def enabled(self) -> bool:
        """Whether the system is configured: a disabled system gets no messages (they cost nothing)."""
        ...

    def send(self, message: Message) -> Delivery:
        """Deliver one message. May raise: the sender records the exception as a failed attempt."""
        ...

    def on_failed(self, message: Message) -> None:
        """Called once a message has failed its last attempt."""
        ...


_adapters: dict[str, Adapter] = {}


def adapter_register(adapter: Adapter) -> None:
    _adapters[adapter.system] = adapter


def adapter_get(system: str) -> Adapter | None:
    return _adapters.get(system)


def adapters() -> list[Adapter]:
    return list(_adapters.values())


def systems_for(topic: str) -> list[str]:
    return [a.system for a in _adapters.values() if topic in a.topics and a.enabled()]


def adapter_unregister(system: str) -> None:
    _adapters.pop(system, None)
