"""client.meta.events: botocore's event hooks (botocore.hooks.HierarchicalEmitter) for the events
an ivs client emits, so that botocore.stub.Stubber and handlers written for boto3 work.

Names are dotted, `<event>.<service id>.<Operation>` (`before-call.ivs-realtime.CreateStage`); a
handler registered for a prefix (`before-call`, `before-call.ivs`) or with `*` for a part
(`before-call.*.*`) receives every event below it, the most specific registrations first, and
within one name those registered with register_first, then register, then register_last, each in
the order registered. Handlers take keyword arguments only (event_name is added to every call).
A client with no handler registered pays nothing for this.
"""
from __future__ import annotations

import inspect
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

Handler = Callable[..., Any]

_FIRST, _MIDDLE, _LAST = 0, 1, 2


def first_non_none_response(responses: List[Tuple[Handler, Any]], default: Any = None) -> Any:
    """The first response that is not None (botocore.hooks.first_non_none_response)."""
    for _, response in responses:
        if response is not None:
            return response
    return default


def _accepts_kwargs(handler: Handler) -> bool:
    try:
        params = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: let it be called
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


class _Registration:
    __slots__ = ("parts", "handler", "section", "order")

    def __init__(self, parts: Tuple[str, ...], handler: Handler, section: int, order: int) -> None:
        self.parts = parts
        self.handler = handler
        self.section = section
        self.order = order

    def matches(self, event_parts: Tuple[str, ...]) -> bool:
        if len(self.parts) > len(event_parts):
            return False
        return all(p == "*" or p == e for p, e in zip(self.parts, event_parts))

    def sort_key(self) -> Tuple[int, int, int, int]:
        # Most specific first: longer names, then names with fewer wildcards; then the section and
        # the order of registration.
        return (-len(self.parts), self.parts.count("*"), self.section, self.order)


class EventHooks:
    """register / register_first / register_last / unregister / emit / emit_until_response, with
    botocore's HierarchicalEmitter's signatures and rules (unique_id, unique_id_uses_count)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registrations: List[_Registration] = []
        self._unique: Dict[str, Dict[str, Any]] = {}
        self._cache: Dict[str, List[Handler]] = {}
        self._order = 0

    def __bool__(self) -> bool:
        """True when any handler is registered."""
        return bool(self._registrations)

    def register(self, event_name: str, handler: Handler, unique_id: Optional[str] = None,
                 unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _MIDDLE)

    def register_first(self, event_name: str, handler: Handler, unique_id: Optional[str] = None,
                       unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _FIRST)

    def register_last(self, event_name: str, handler: Handler, unique_id: Optional[str] = None,
                      unique_id_uses_count: bool = False) -> None:
        self._register(event_name, handler, unique_id, unique_id_uses_count, _LAST)

    def _register(self, event_name: str, handler: Handler, unique_id: Optional[str],
                  unique_id_uses_count: bool, section: int) -> None:
        if not callable(handler):
            raise ValueError(f"Event handler {handler} must be callable.")
        if not _accepts_kwargs(handler):
            raise ValueError(f"Event handler {handler} must accept keyword arguments (**kwargs)")
        with self._lock:
            if unique_id is not None:
                known = self._unique.get(unique_id)
                if known is not None:
                    count = known.get("count")
                    if unique_id_uses_count != bool(count):
                        raise ValueError(f"Registrations of unique id {unique_id} must all use a counter, "
                                         "or none")
                    if count:
                        known["count"] = count + 1
                    return
                self._unique[unique_id] = {"handler": handler, "count": 1 if unique_id_uses_count else None}
            self._order += 1
            self._registrations.append(_Registration(tuple(event_name.split(".")), handler, section, self._order))
            self._cache = {}

    def unregister(self, event_name: str, handler: Optional[Handler] = None, unique_id: Optional[str] = None,
                   unique_id_uses_count: bool = False) -> None:
        with self._lock:
            if unique_id is not None:
                known = self._unique.get(unique_id)
                if known is None:
                    return
                count = known.get("count")
                if unique_id_uses_count != bool(count):
                    raise ValueError(f"Registrations of unique id {unique_id} must all use a counter, or none")
                if count and count > 1:
                    known["count"] = count - 1
                    return
                del self._unique[unique_id]
                handler = known["handler"]
            parts = tuple(event_name.split("."))
            for i, r in enumerate(self._registrations):
                if r.parts == parts and r.handler == handler:
                    del self._registrations[i]
                    break
            self._cache = {}

    def handlers_for(self, event_name: str) -> List[Handler]:
        """The handlers an event of this name reaches, in the order they are called."""
        found = self._cache.get(event_name)
        if found is None:
            parts = tuple(event_name.split("."))
            with self._lock:
                matching = sorted((r for r in self._registrations if r.matches(parts)), key=_Registration.sort_key)
                found = [r.handler for r in matching]
                self._cache[event_name] = found
        return found

    def emit(self, event_name: str, **kwargs: Any) -> List[Tuple[Handler, Any]]:
        """Calls every handler of the event; returns [(handler, response), ...]."""
        return self._emit(event_name, kwargs, stop_on_response=False)

    def emit_until_response(self, event_name: str, **kwargs: Any) -> Tuple[Optional[Handler], Any]:
        """Calls handlers until one returns something other than None; returns the last (handler,
        response) called, or (None, None) when no handler was."""
        responses = self._emit(event_name, kwargs, stop_on_response=True)
        return responses[-1] if responses else (None, None)

    def _emit(self, event_name: str, kwargs: Dict[str, Any], stop_on_response: bool) -> List[Tuple[Handler, Any]]:
        handlers = self.handlers_for(event_name)
        if not handlers:
            return []
        kwargs["event_name"] = event_name
        responses: List[Tuple[Handler, Any]] = []
        for handler in handlers:
            response = handler(**kwargs)
            responses.append((handler, response))
            if stop_on_response and response is not None:
                break
        return responses
