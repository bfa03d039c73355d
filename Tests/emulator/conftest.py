"""Fixtures for the ivs-local suites: one real ivs-local process per test session (with a second
key pair, of another account), boto3 clients pointed at it, and its /_local/ control API; all from
ivslocal.testing."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import *  # noqa: E402,F401,F403 (the shared fixtures)
from ivslocal.testing import ACCOUNT, REGION, start_ivs_local  # noqa: E402,F401 (for the tests)


@pytest.fixture(scope='session')
def ivs_local_args():
    return ('--credentials', 'test:test', '--credentials', 'other:othersecret:210987654321')
