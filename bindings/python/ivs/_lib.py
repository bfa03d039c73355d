"""Loading libivs and calling its C ABI (include/ivs.h) with ctypes.

The library is looked up once per process: ivs/libivs.so beside this file (a wheel may bundle it),
else the path in IVS_LIBRARY, else the system's library path (ctypes.util.find_library("ivs"), then
"libivs.so"). ctypes.CDLL releases the GIL for the duration of every foreign call, so calls made
from several threads run in parallel inside libivs.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import threading
from typing import Any, Dict, Iterator, List, Optional, Tuple

OK = 0
STATUS_KINDS = {1: "invalid_argument", 2: "validation", 3: "config", 4: "credentials", 5: "network",
                6: "service", 7: "internal"}

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_describe: Optional[Dict[str, Any]] = None


class LibraryNotFoundError(OSError):
    """libivs.so could not be found or loaded."""


def _candidates() -> Iterator[str]:
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libivs.so")
    if os.path.exists(here):
        yield here
    env = os.environ.get("IVS_LIBRARY")
    if env:
        yield env
    found = ctypes.util.find_library("ivs")
    if found:
        yield found
    yield "libivs.so"


def _prototype(lib: ctypes.CDLL) -> ctypes.CDLL:
    c_char_p, c_void_p, c_int = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
    out = ctypes.POINTER(c_void_p)
    lib.ivs_version.argtypes, lib.ivs_version.restype = [], c_char_p
    lib.ivs_client_new.argtypes, lib.ivs_client_new.restype = [c_char_p, out, out], c_int
    lib.ivs_client_free.argtypes, lib.ivs_client_free.restype = [c_void_p], None
    lib.ivs_client_config.argtypes, lib.ivs_client_config.restype = [c_void_p, out], c_int
    lib.ivs_client_credentials.argtypes, lib.ivs_client_credentials.restype = [c_void_p, out], c_int
    for name in ("ivs_call", "ivs_paginate"):
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = [c_void_p, c_char_p, c_char_p, c_char_p, out], c_int
    # Returned strings are received as void pointers so that they can be handed back to ivs_free.
    lib.ivs_describe.argtypes, lib.ivs_describe.restype = [c_char_p], c_void_p
    lib.ivs_free.argtypes, lib.ivs_free.restype = [c_void_p], None
    # The token functions may be absent from an older build; tokens.py reports that when used.
    token_fns = {
        "ivs_keypair_generate": [out],
        "ivs_playback_token": [c_char_p, out],
        "ivs_participant_token": [c_char_p, out],
        "ivs_participant_token_for_stage": [c_void_p, c_char_p, out],
        "ivs_token_verify": [c_char_p, c_char_p, out],
    }
    for name, args in token_fns.items():
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.argtypes, fn.restype = args, c_int
    return lib


def lib() -> ctypes.CDLL:
    """The loaded library (loaded on first use, once)."""
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is None:
            errors: List[str] = []
            for path in _candidates():
                try:
                    _lib = _prototype(ctypes.CDLL(path))
                    break
                except OSError as e:
                    errors.append(f"{path}: {e}")
            else:
                raise LibraryNotFoundError(
                    "libivs.so not found; set IVS_LIBRARY to its path (tried " + "; ".join(errors) + ")")
    assert _lib is not None
    return _lib


def take_string(ptr: Optional[int]) -> Optional[str]:
    """Copies a string libivs returned and frees it; None for NULL."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib().ivs_free(ptr)


def invoke(fn: Any, *args: Any) -> Tuple[int, Any]:
    """Calls a function whose last argument is char **out_json; returns (status, parsed JSON or None)."""
    out = ctypes.c_void_p()
    status: int = fn(*args, ctypes.byref(out))
    text = take_string(out.value)
    return status, (json.loads(text) if text is not None else None)


def version() -> str:
    text: bytes = lib().ivs_version()
    return text.decode("utf-8")


def describe() -> Dict[str, Any]:
    """ivs_describe(NULL), parsed once per process: the services and the partitions."""
    global _describe
    if _describe is None:
        text = take_string(lib().ivs_describe(None))
        if text is None:
            raise LibraryNotFoundError("ivs_describe returned NULL")
        _describe = json.loads(text)
    assert _describe is not None
    return _describe


def has_function(name: str) -> bool:
    return getattr(lib(), name, None) is not None
