"""Fixtures for the configuration suites (helpers in cfgutil.py; ivs-local from ivslocal.testing)."""
import pytest

from cfgutil import PAIRS, FakeServer, Home, IvsLocal, free_port
from stsutil import STSRecorder, start_moto
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


@pytest.fixture(scope='session')
def moto_url():
    """moto's server (its STS) on a free loopback port, for the whole run."""
    port = free_port()
    proc = start_moto(port)
    yield f'http://127.0.0.1:{port}'
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture()
def sts(moto_url, fake_server):
    """A recording, replaying proxy in front of moto's STS (stsutil.STSRecorder); .url is where to point
    AWS_ENDPOINT_URL_STS, .recorder what it saw."""
    recorder = STSRecorder(moto_url, {a: s for a, s in PAIRS.values()})
    server = fake_server(recorder)
    server.recorder = recorder
    return server
