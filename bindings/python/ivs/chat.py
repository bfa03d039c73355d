"""IVS Chat messaging over libivs (ivs_chat_*): a WebSocket to a chat room, with the concepts of the
Amazon IVS Chat Messaging JavaScript SDK.

    from ivs.chat import ChatRoom

    room = ChatRoom(region_name="us-west-2",
                    create_token={"roomIdentifier": ROOM_ARN, "userId": "bot",
                                  "capabilities": ["SEND_MESSAGE", "DELETE_MESSAGE"]})
    room.add_listener("message", lambda m: print(m["Sender"]["UserId"], m["Content"]))
    room.connect()
    room.send_message("hello", attributes={"color": "red"})
    for event in room:          # blocking; or `async for event in room` under asyncio
        ...

Tokens come from `create_token` (a CreateChatToken input: libivs mints a token with the room's own
client for every connect and reconnect) or from `token_provider`, a function (or coroutine function)
returning a token string or CreateChatToken's output, called whenever the connection needs a token
(tokens are single use), as the JavaScript SDK's tokenProvider.

Events are the service's JSON objects as dicts ("Type": "MESSAGE", "EVENT", "ERROR") and the
connection's own ("Type": "CONNECTION", "State": "connecting" | "connected" | "tokenNeeded" |
"disconnected"): see docs/chat.md and include/ivs.h. Listeners: connecting, connect, disconnect,
message, event, messageDelete (aws:DELETE_MESSAGE), userDisconnect (aws:DISCONNECT_USER), error
(ERROR events). Listeners and the token provider run on the thread that iterates the room (or calls
dispatch()): a ChatRoom uses a libivs client of its own in manual dispatch mode, so no callback ever
runs on a thread of libivs.
"""
import asyncio
import collections
import ctypes
import inspect
import json
import signal
import threading

from . import _lib

__all__ = ["ChatRoom", "ChatRequestError"]

_EVENT_FN = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_prototyped = False


def _native():
    """libivs with the chat functions' prototypes (set once)."""
    global _prototyped
    lib = _lib.lib()
    if not _prototyped:
        c_char_p, c_void_p, c_int = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
        out = ctypes.POINTER(c_void_p)
        lib.ivs_chat_connect.argtypes = [c_void_p, c_char_p, _EVENT_FN, c_void_p, out, out]
        lib.ivs_chat_connect.restype = c_int
        lib.ivs_chat_send.argtypes, lib.ivs_chat_send.restype = [c_void_p, c_char_p, out], c_int
        lib.ivs_chat_set_token.argtypes, lib.ivs_chat_set_token.restype = [c_void_p, c_char_p], c_int
        lib.ivs_chat_close.argtypes, lib.ivs_chat_close.restype = [c_void_p], None
        lib.ivs_client_fd.argtypes, lib.ivs_client_fd.restype = [c_void_p], c_int
        lib.ivs_client_dispatch.argtypes, lib.ivs_client_dispatch.restype = [c_void_p, c_int], c_int
        _prototyped = True
    return lib


class _HeldCtrlC:
    """Holds back Ctrl-C while libivs runs the room's callback. Python raises a signal's exception in
    the first Python code to run after the signal, which, while a room waits in ivs_client_dispatch,
    is that callback; ctypes prints and drops an exception raised in a callback, so the Ctrl-C would
    be lost and the program would go on. While this is entered, SIGINT is only noted; on exit the
    previous handler is back and a noted SIGINT is raised again, to reach it (KeyboardInterrupt by
    default) on the caller's side. Python runs signal handlers in the main thread only: elsewhere,
    and when the handler is not Python's to swap, this does nothing."""

    def __enter__(self):
        self._previous, self._noted = None, False
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None and previous is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, self._note)
                self._previous = previous
        return self

    def _note(self, _signum, _frame):
        self._noted = True

    def __exit__(self, *_exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            if self._noted:
                signal.raise_signal(signal.SIGINT)
        return False


class ChatRequestError(Exception):
    """ivs_chat_send refused a request (or ivs_chat_connect its options): status and libivs's error
    object ({"kind", "code", "message", ...})."""

    def __init__(self, status, error):
        self.status = status
        self.error = error or {}
        self.code = self.error.get("code")
        super().__init__(f'{self.code}: {self.error.get("message")}')


_LISTENERS = ("connecting", "connect", "disconnect", "message", "event", "messageDelete", "userDisconnect",
              "error", "tokenNeeded")


class ChatRoom:
    """One connection to one chat room (see the module's documentation)."""

    def __init__(self, region_name=None, *, token_provider=None, create_token=None, url=None,
                 max_reconnect_attempts=None, endpoint_url=None, aws_access_key_id=None,
                 aws_secret_access_key=None, aws_session_token=None, config=None, options=None):
        if token_provider is not None and create_token is not None:
            raise ValueError("give token_provider or create_token, not both")
        cfg = dict(config or {})
        if region_name:
            cfg["region"] = region_name
        if endpoint_url:
            cfg["endpointUrl"] = endpoint_url
        if aws_access_key_id or aws_secret_access_key:
            cfg["credentials"] = {"accessKeyId": aws_access_key_id, "secretAccessKey": aws_secret_access_key}
            if aws_session_token:
                cfg["credentials"]["sessionToken"] = aws_session_token
        cfg["dispatch"] = "manual"
        self._config = cfg
        opts = dict(options or {})
        if url:
            opts["url"] = url
        if create_token is not None:
            opts["createToken"] = create_token
        if max_reconnect_attempts is not None:
            opts.setdefault("reconnect", {})["maxAttempts"] = max_reconnect_attempts
        self._options = opts
        self._token_provider = token_provider
        self._listeners = {name: [] for name in _LISTENERS}
        self._pending = collections.deque()
        self._texts = collections.deque()  # event texts from the callback, not yet parsed
        self._client = None
        self._chat = None
        self._callback = _EVENT_FN(self._on_event)
        self.state = "disconnected"
        self._ended = False

    # -- lifecycle ------------------------------------------------------------------------------

    def connect(self):
        """Starts connecting (returns at once; "connecting" and "connect" follow as events)."""
        if self._chat is not None:
            raise RuntimeError("the room is already connected or connecting")
        lib = _native()
        if self._client is None:
            client, err = ctypes.c_void_p(), ctypes.c_void_p()
            status = lib.ivs_client_new(json.dumps(self._config).encode(), ctypes.byref(client), ctypes.byref(err))
            text = _lib.take_string(err.value)
            if status != _lib.OK:
                raise ChatRequestError(status, json.loads(text)["error"] if text else None)
            self._client = client
        chat, err = ctypes.c_void_p(), ctypes.c_void_p()
        status = lib.ivs_chat_connect(self._client, json.dumps(self._options).encode(), self._callback, None,
                                      ctypes.byref(chat), ctypes.byref(err))
        text = _lib.take_string(err.value)
        if status != _lib.OK:
            raise ChatRequestError(status, json.loads(text)["error"] if text else None)
        self._chat = chat
        self._ended = False
        self.state = "connecting"
        return self

    def disconnect(self):
        """Closes the connection (requests sent before are written first); the last event is a
        "disconnected" with Reason clientClosed, delivered by the next iteration or dispatch()."""
        if self._chat is not None:
            _native().ivs_chat_close(self._chat)
            self._chat = None
            self._collect(0)

    def close(self):
        """disconnect(), then frees the room's libivs client. Events still waiting are dropped."""
        self.disconnect()
        if self._client is not None:
            _native().ivs_client_free(self._client)
            self._client = None
        self.state = "disconnected"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutting down
            pass

    # -- listeners --------------------------------------------------------------------------------

    def add_listener(self, name, fn):
        """Calls fn(event) for each event of that kind; returns a function that removes it."""
        if name not in self._listeners:
            raise ValueError(f"unknown event {name!r}; one of {', '.join(_LISTENERS)}")
        self._listeners[name].append(fn)
        return lambda: self._listeners[name].remove(fn) if fn in self._listeners[name] else None

    # -- actions ------------------------------------------------------------------------------------

    def send(self, request):
        """Sends a Chat Messaging API action (a dict); returns its RequestId."""
        if self._chat is None:
            raise ChatRequestError(5, {"code": "ChatNotConnected", "message": "connect() first"})
        out = ctypes.c_void_p()
        status = _native().ivs_chat_send(self._chat, json.dumps(request).encode(), ctypes.byref(out))
        doc = json.loads(_lib.take_string(out.value) or "{}")
        if status != _lib.OK:
            raise ChatRequestError(status, doc.get("error"))
        return doc["RequestId"]

    def send_message(self, content, attributes=None, request_id=None):
        return self.send(_request("SEND_MESSAGE", Content=content, Attributes=attributes, RequestId=request_id))

    def delete_message(self, message_id, reason=None, request_id=None):
        return self.send(_request("DELETE_MESSAGE", Id=message_id, Reason=reason, RequestId=request_id))

    def disconnect_user(self, user_id, reason=None, request_id=None):
        return self.send(_request("DISCONNECT_USER", UserId=user_id, Reason=reason, RequestId=request_id))

    def set_token(self, token):
        """Hands over a token (a string, or CreateChatToken's output) for the next connect."""
        if isinstance(token, dict):
            token = json.dumps({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in token.items()
                                if k in ("token", "tokenExpirationTime", "sessionExpirationTime")})
        status = _native().ivs_chat_set_token(self._chat, token.encode() if isinstance(token, str) else token)
        if status != _lib.OK:
            raise ChatRequestError(status, {"code": "InvalidArgument", "message": "the token was refused"})

    # -- events ------------------------------------------------------------------------------------

    def _on_event(self, text, _userdata):
        # On this thread, inside ivs_client_dispatch: only keep the text (ctypes would drop anything
        # raised here); _collect parses it once dispatch has returned.
        self._texts.append(text)

    def _collect(self, timeout_ms):
        if self._client is not None:
            with _HeldCtrlC():
                _native().ivs_client_dispatch(self._client, timeout_ms)
        while self._texts:
            self._pending.append(json.loads(self._texts.popleft()))

    def _take(self):
        event = self._pending.popleft()
        if event.get("Type") == "CONNECTION":
            state = event.get("State")
            if state == "connected":
                self.state = "connected"
            elif state in ("connecting", "tokenNeeded"):
                self.state = "connecting"
            elif state == "disconnected":
                self.state = "connecting" if event.get("Reconnecting") else "disconnected"
                if not event.get("Reconnecting"):
                    self._ended = True
        return event

    def _listeners_for(self, event):
        kind = event.get("Type")
        if kind == "CONNECTION":
            name = {"connecting": "connecting", "connected": "connect", "disconnected": "disconnect",
                    "tokenNeeded": "tokenNeeded"}.get(event.get("State"))
        elif kind == "MESSAGE":
            name = "message"
        elif kind == "ERROR":
            name = "error"
        elif kind == "EVENT":
            name = {"aws:DELETE_MESSAGE": "messageDelete", "aws:DISCONNECT_USER": "userDisconnect"}.get(
                event.get("EventName"), "event")
        else:
            name = None
        return list(self._listeners.get(name, [])) if name else []

    def _handle(self, event):
        if event.get("Type") == "CONNECTION" and event.get("State") == "tokenNeeded" and self._token_provider:
            token = self._token_provider()
            if inspect.isawaitable(token):
                raise RuntimeError("an async token_provider needs `async for` iteration")
            self.set_token(token)
        for fn in self._listeners_for(event):
            fn(event)

    async def _handle_async(self, event):
        if event.get("Type") == "CONNECTION" and event.get("State") == "tokenNeeded" and self._token_provider:
            token = self._token_provider()
            if inspect.isawaitable(token):
                token = await token
            self.set_token(token)
        for fn in self._listeners_for(event):
            result = fn(event)
            if inspect.isawaitable(result):
                await result

    def dispatch(self, timeout=0.0):
        """Runs the events waiting now (listeners, the token provider), waiting up to timeout seconds
        for one; returns them."""
        self._collect(int(timeout * 1000))
        ran = []
        while self._pending:
            event = self._take()
            self._handle(event)
            ran.append(event)
        return ran

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            if self._pending:
                event = self._take()
                self._handle(event)
                return event
            if self._ended or self._client is None:
                raise StopIteration
            self._collect(250)

    def __aiter__(self):
        return self

    async def __anext__(self):
        loop = asyncio.get_running_loop()
        while True:
            if self._pending:
                event = self._take()
                await self._handle_async(event)
                return event
            if self._ended or self._client is None:
                raise StopAsyncIteration
            fd = _native().ivs_client_fd(self._client)
            ready = loop.create_future()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, 1.0)
            except asyncio.TimeoutError:
                pass
            finally:
                loop.remove_reader(fd)
            self._collect(0)


def _request(action, **fields):
    req = {"Action": action}
    req.update({k: v for k, v in fields.items() if v is not None})
    return req
