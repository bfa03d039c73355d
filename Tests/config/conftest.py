"""Fixtures for the configuration suites (helpers in cfgutil.py)."""
import os
import sys

import pytest

from cfgutil import PAIRS, ROOT, FakeServer, Home, IvsLocal

sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import start_ivs_local, stop_ivs_local  # noqa: E402


@pytest.fixture(scope='session')
def ivs_local():
    args = ['--credentials', 'test:test']
    for akid, secret in PAIRS.values():
        args += ['--credentials', f'{akid}:{secret}']
    proc, url = start_ivs_local(*args)
    yield IvsLocal(url)
    stop_ivs_local(proc, timeout=10)


@pytest.fixture()
def local(ivs_local):
    ivs_local.reset()
    return ivs_local


@pytest.fixture()
def home(tmp_path):
    return Home(tmp_path)


@pytest.fixture()
def fake_server():
    servers = []

    def make(handler):
        s = FakeServer(handler)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()
