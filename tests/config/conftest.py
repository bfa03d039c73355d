"""Fixtures for the configuration suites (helpers in cfgutil.py)."""
import subprocess
import sys

import pytest

from cfgutil import LAUNCHER, PAIRS, FakeServer, Home, IvsLocal


@pytest.fixture(scope='session')
def ivs_local():
    args = [sys.executable, LAUNCHER, '--port', '0', '--credentials', 'test:test']
    for akid, secret in PAIRS.values():
        args += ['--credentials', f'{akid}:{secret}']
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    assert url.startswith('http://'), url
    yield IvsLocal(url)
    proc.terminate()
    proc.wait(timeout=10)


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
