"""asyncio clients over libivs's calls in flight, shaped like aiobotocore's:

    import ivs.aio

    async with ivs.aio.client("ivs", region_name="us-west-2") as c:
        channel = (await c.get_channel(arn=arn))["channel"]
        async for page in c.get_paginator("list_channels").paginate():
            ...

    session = ivs.aio.get_session()              # aiobotocore.session.get_session()
    async with session.create_client("ivschat") as c:
        ...

No thread per call and no executor: the native client runs with manual dispatch, its file descriptor
is watched with loop.add_reader, and ivs_client_dispatch() runs the finished calls' callbacks on the
event loop's thread, which resolve the futures. Cancelling the task that awaits a call cancels the
call in libivs (ivs_cancel). Outputs, exceptions and paginators are the blocking client's.
"""
import asyncio
import ctypes
import itertools
import json
from typing import Any, AsyncIterator, Callable, Dict, Optional, Set, Tuple

from . import _lib, exceptions, model
from .client import BaseClient, create_client
from .paginate import PageIterator, Paginator
from .session import Session

__all__ = ["client", "get_session", "AioSession", "AioClient"]

_DONE = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

# Calls whose callbacks are still owed, by the key passed as userdata. Only the event loop thread
# touches it: callbacks run inside ivs_client_dispatch, which only the loop's reader calls.
_pending: Dict[int, "asyncio.Future[Tuple[int, Optional[bytes]]]"] = {}
_keys = itertools.count(1)


def _on_done(status: int, text: Optional[bytes], userdata: Optional[int]) -> None:
    future = _pending.pop(userdata or 0, None)
    if future is not None and not future.done():
        future.set_result((status, text))


_on_done_c = _DONE(_on_done)  # kept alive for the process: libivs holds the pointer


_prototyped = False


def _prototype(lib: ctypes.CDLL) -> None:
    global _prototyped
    if _prototyped:
        return
    c_void_p, c_char_p, c_int = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for name in ("ivs_call_async", "ivs_paginate_async"):
        fn = getattr(lib, name)
        fn.argtypes = [c_void_p, c_char_p, c_char_p, c_char_p, _DONE, c_void_p, ctypes.POINTER(ctypes.c_uint64)]
        fn.restype = c_int
    lib.ivs_cancel.argtypes, lib.ivs_cancel.restype = [c_void_p, ctypes.c_uint64], c_int
    lib.ivs_client_fd.argtypes, lib.ivs_client_fd.restype = [c_void_p], c_int
    lib.ivs_client_dispatch.argtypes, lib.ivs_client_dispatch.restype = [c_void_p, c_int], c_int
    _prototyped = True


class AioClient:
    """An async client: every operation method of the blocking client, as a coroutine; the same
    meta, exceptions and paginators (async iterators). Use it as an async context manager, or call
    close()."""

    def __init__(self, sync: BaseClient) -> None:
        self._sync = sync
        self._lib = _lib.lib()
        _prototype(self._lib)
        self._native = sync._native
        self._handle = self._native.acquire()  # held until close(): the fd and the loop's reader use it
        self._fd = self._lib.ivs_client_fd(self._handle)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._mine: Set[int] = set()  # keys of this client's calls still owed a callback
        self.meta = sync.meta
        self.exceptions = sync.exceptions

    # -- the loop's side -------------------------------------------------------------------------
    def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            loop.add_reader(self._fd, self._dispatch)
        elif self._loop is not loop:
            raise RuntimeError("an ivs.aio client is bound to the event loop it was first used on")

    def _dispatch(self) -> None:
        self._lib.ivs_client_dispatch(self._handle, 0)

    async def _send(self, fn_name: str, op: model.Operation, body: bytes) -> Tuple[int, Any]:
        self._watch()
        assert self._loop is not None
        future: "asyncio.Future[Tuple[int, Optional[bytes]]]" = self._loop.create_future()
        key = next(_keys)
        _pending[key] = future
        self._mine.add(key)
        future.add_done_callback(lambda _: self._mine.discard(key))
        request_id = ctypes.c_uint64(0)
        status = getattr(self._lib, fn_name)(self._handle, self._sync._service_bytes, op.name_bytes, body,
                                             _on_done_c, ctypes.c_void_p(key), ctypes.byref(request_id))
        if status != _lib.OK:
            _pending.pop(key, None)
            raise exceptions.IVSInternalError(error_msg=f"{fn_name} refused the call ({status})")
        try:
            done_status, text = await asyncio.shield(future)
        except asyncio.CancelledError:
            # The task was cancelled: cancel the call in libivs (its callback still comes, with
            # IVS_E_CANCELLED, and finds its future gone).
            if self._handle:
                self._lib.ivs_cancel(self._handle, request_id)
            raise
        doc = json.loads(text.decode("utf-8")) if text is not None else None
        return done_status, doc

    async def _call(self, op: model.Operation, api_params: Dict[str, Any]) -> Dict[str, Any]:
        from .client import encode_input
        status, doc = await self._send("ivs_call_async", op, encode_input(api_params))
        if status != _lib.OK:
            raise self._sync._error(status, doc, op, api_params)
        return self._sync._output(op, doc)

    # -- botocore's client surface ----------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        op = self._sync._service_model.operations.get(name)
        if op is None:
            return getattr(self._sync, name)

        async def _api_call(*args: Any, **kwargs: Any) -> Dict[str, Any]:
            if args:
                raise TypeError(f"{op.snake_name}() only accepts keyword arguments.")
            return await self._call(op, kwargs)

        _api_call.__name__ = op.snake_name
        return _api_call

    def can_paginate(self, operation_name: str) -> bool:
        return self._sync.can_paginate(operation_name)

    def get_paginator(self, operation_name: str) -> "AioPaginator":
        sync = self._sync.get_paginator(operation_name)
        return AioPaginator(getattr(self, operation_name), sync)

    async def close(self) -> None:
        """Stops watching the fd and releases the native client; calls still in flight are
        cancelled by libivs and their futures' tasks see the cancellation."""
        if self._loop is not None:
            self._loop.remove_reader(self._fd)
            self._loop = None
        for key in list(self._mine):
            future = _pending.pop(key, None)
            if future is not None and not future.done():
                future.cancel()
        if self._handle:
            self._handle = 0
            self._native.release()
            self._sync.close()

    async def __aenter__(self) -> "AioClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class AioPaginator:
    """client.get_paginator(name) of an AioClient: paginate(**kwargs) is an async iterator of pages."""

    def __init__(self, method: Any, sync: Paginator) -> None:
        self._method = method
        self._sync = sync

    def paginate(self, **kwargs: Any) -> "AioPageIterator":
        return AioPageIterator(self._sync.paginate(**kwargs), self._method)


class AioPageIterator:
    """Pages fetched one call at a time, as the blocking PageIterator fetches them (the same steps,
    driven with await)."""

    def __init__(self, pages: PageIterator, method: Any) -> None:
        self._pages = pages
        self._method = method

    @property
    def resume_token(self) -> Optional[str]:
        return self._pages.resume_token

    async def __aiter__(self) -> AsyncIterator[Dict[str, Any]]:
        steps = self._pages._steps()
        response: Optional[Dict[str, Any]] = None
        while True:
            try:
                kind, value = steps.send(response)
            except StopIteration:
                return
            if kind == "call":
                response = await self._method(**value)
            else:
                response = None
                yield value

    async def build_full_result(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {}
        async for page in self:
            self._pages._accumulate(result, page)
        return self._pages._finish_result(result)


class _ClientContext:
    """What client() and create_client() return: awaitable, and an async context manager (as
    aiobotocore's)."""

    def __init__(self, make: Callable[[], BaseClient]) -> None:
        self._make_sync = make
        self._client: Optional[AioClient] = None

    def __await__(self) -> Any:
        async def make() -> AioClient:
            return AioClient(self._make_sync())
        return make().__await__()

    async def __aenter__(self) -> AioClient:
        self._client = AioClient(self._make_sync())
        return self._client

    async def __aexit__(self, *exc: Any) -> None:
        if self._client is not None:
            await self._client.close()


def client(service_name: str, *args: Any, **kwargs: Any) -> _ClientContext:
    """ivs.client's arguments; `async with ivs.aio.client(...) as c` (or `c = await ...`)."""
    return _ClientContext(lambda: create_client(service_name, *args, _dispatch="manual", **kwargs))


class AioSession:
    """aiobotocore's AioSession: a Session whose create_client() gives async clients."""

    def __init__(self, **session_kwargs: Any) -> None:
        self._session = Session(**session_kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    def create_client(self, service_name: str, *args: Any, **kwargs: Any) -> _ClientContext:
        return _ClientContext(lambda: self._session._client(service_name, *args, _dispatch="manual", **kwargs))


def get_session(**session_kwargs: Any) -> AioSession:
    return AioSession(**session_kwargs)
