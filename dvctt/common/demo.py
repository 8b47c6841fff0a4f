"""The demo data set: each app registers a loader; `dvctt demo_seed` runs them in dependency order.

Loaders must be idempotent: a second `make demo` changes nothing and is quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    load: Callable[..., str]


_LOADERS: list[DemoLoader] = []


def demo_loader(*, order: int, name: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register ``fn(stdout, scale)`` returning a one-line summary of what it loaded."""

    def register(fn: Callable[..., str]) -> Callable[..., str]:
        _LOADERS.append(DemoLoader(order=order, name=name, load=fn))
        return fn

    return register


def demo_loaders() -> list[DemoLoader]:
    return sorted(_LOADERS, key=lambda loader: loader.order)
