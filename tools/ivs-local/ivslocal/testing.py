"""Starting and stopping ivs-local from a test suite: one home for what every suite's fixtures need.

    from ivslocal.testing import start_ivs_local, stop_ivs_local
    proc, url = start_ivs_local('--credentials', 'test:test')
    ...
    stop_ivs_local(proc)
"""
import os
import subprocess
import sys

LAUNCHER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tools/ivs-local: python runs its __main__.py


def start_ivs_local(*args, python=None):
    """Start ivs-local on a free port with the given options; returns (process, base URL)."""
    proc = subprocess.Popen([python or sys.executable, LAUNCHER, '--port', '0', *args], stdout=subprocess.PIPE,
                            stderr=None, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith('http://'):
        proc.kill()
        raise RuntimeError(f'ivs-local did not start: {url!r}')
    return proc, url


def stop_ivs_local(proc, timeout=5):
    """Terminate ivs-local, killing it if it does not exit within timeout seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
