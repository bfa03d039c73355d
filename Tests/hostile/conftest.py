"""Fixtures of the hostile-server suite (issue 10): the compiled driver and the hostile servers. The
checks every case shares are in hostile_driver.py, the servers in hostile_server.py."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hostile_driver import LIBRARY, ROOT  # noqa: E402
from hostile_server import HostileServer  # noqa: E402


@pytest.fixture(scope='session')
def driver(tmp_path_factory):
    """Tests/hostile/driver.c compiled against include/ivs.h (libivs itself is dlopen'd)."""
    out = str(tmp_path_factory.mktemp('driver') / 'driver')
    subprocess.run(['cc', '-O1', '-g', '-Wall', '-Werror', '-I', os.path.join(ROOT, 'include'),
                    os.path.join(HERE, 'driver.c'), '-o', out, '-ldl'], check=True)
    assert os.path.exists(LIBRARY), f'libivs not built: {LIBRARY} (run ./scripts/build.sh)'
    return out


@pytest.fixture()
def serve():
    """serve(handler, sndbuf=None) -> a HostileServer, closed after the test."""
    servers = []

    def make(handler, **kw):
        s = HostileServer(handler, **kw)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()
    for s in servers:
        assert not s.errors, f'the test server\'s handler failed: {s.errors}'
