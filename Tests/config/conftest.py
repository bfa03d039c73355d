"""Fixtures for the configuration suites (helpers in cfgutil.py; ivs-local from ivslocal.testing)."""
import pytest

from cfgutil import PAIRS, FakeServer, Home, IvsLocal
from ivslocal.testing import *  # noqa: F401,F403 (the shared fixtures; cfgutil put it on sys.path)


@pytest.fixture(scope='session')
def ivs_local_args():
    args = ['--credentials', 'test:test']
    for akid, secret in PAIRS.values():
        args += ['--credentials', f'{akid}:{secret}']
    return args


@pytest.fixture(scope='session')
def ivs_local(ivs_local_url):
    return IvsLocal(ivs_local_url)


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
