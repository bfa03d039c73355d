"""Fixtures for the token tests: libivs loaded through ctypes (IVS_LIBRARY, default the release build),
a small caller for its JSON-in/JSON-out functions, and one ivs-local process per session for the
round trips (ivslocal.testing's fixtures)."""
import ctypes
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)
from ivslocal.testing import REGION  # noqa: E402
LIBRARY = os.environ.get('IVS_LIBRARY', os.path.join(ROOT, '.build', 'release', 'libivs.so'))

IVS_OK, IVS_E_INVALID_ARGUMENT, IVS_E_VALIDATION, IVS_E_SERVICE = 0, 1, 2, 6


class Lib:
    """libivs through ctypes; each call returns (status, parsed JSON or None)."""

    def __init__(self, path):
        self.dll = ctypes.CDLL(path)
        d = self.dll
        out = ctypes.POINTER(ctypes.c_void_p)
        d.ivs_free.argtypes = [ctypes.c_void_p]
        d.ivs_free.restype = None
        d.ivs_keypair_generate.argtypes = [out]
        d.ivs_playback_token.argtypes = [ctypes.c_char_p, out]
        d.ivs_participant_token.argtypes = [ctypes.c_char_p, out]
        d.ivs_participant_token_for_stage.argtypes = [ctypes.c_void_p, ctypes.c_char_p, out]
        d.ivs_token_verify.argtypes = [ctypes.c_char_p, ctypes.c_char_p, out]
        d.ivs_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), out]
        d.ivs_client_free.argtypes = [ctypes.c_void_p]
        d.ivs_client_free.restype = None
        d.ivs_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, out]
        for name in ('ivs_keypair_generate', 'ivs_playback_token', 'ivs_participant_token',
                     'ivs_participant_token_for_stage', 'ivs_token_verify', 'ivs_client_new', 'ivs_call'):
            getattr(d, name).restype = ctypes.c_int

    def _take(self, p):
        if not p.value:
            return None
        try:
            return json.loads(ctypes.string_at(p.value).decode())
        finally:
            self.dll.ivs_free(p)

    @staticmethod
    def _text(v):
        if v is None or isinstance(v, bytes):
            return v
        return (v if isinstance(v, str) else json.dumps(v)).encode()

    def call(self, name, *args):
        """name(args..., &out): args are bytes, str, JSON-able objects, None (NULL) or a client handle."""
        out = ctypes.c_void_p(0xdead)  # not NULL: the function must set it
        conv = [a if isinstance(a, ctypes.c_void_p) else self._text(a) for a in args]
        status = getattr(self.dll, name)(*conv, ctypes.byref(out))
        return status, self._take(out)

    def keypair(self):
        status, kp = self.call('ivs_keypair_generate')
        assert status == IVS_OK, kp
        return kp

    def client(self, config):
        handle = ctypes.c_void_p()
        err = ctypes.c_void_p()
        status = self.dll.ivs_client_new(json.dumps(config).encode(), ctypes.byref(handle), ctypes.byref(err))
        assert status == IVS_OK, self._take(err)
        return handle

    def ivs_call(self, client, service, operation, params):
        return self.call('ivs_call', client, service, operation, params)


@pytest.fixture(scope='session')
def lib():
    if not os.path.exists(LIBRARY):
        pytest.fail(f'libivs not found at {LIBRARY}; build it (./scripts/build.sh) or set IVS_LIBRARY')
    return Lib(LIBRARY)


@pytest.fixture(scope='session')
def keypair(lib):
    return lib.keypair()


@pytest.fixture(scope='session')
def client(lib, ivs_local_url):
    handle = lib.client({'region': REGION, 'endpointUrl': ivs_local_url, 'maxAttempts': 1,
                         'credentials': {'accessKeyId': 'test', 'secretAccessKey': 'test'}})
    yield handle
    lib.dll.ivs_client_free(handle)


@pytest.fixture
def fresh(control):
    """A clean emulator (no resources, no logged requests); returns a getter for the request log."""
    control.reset()
    return control.requests
