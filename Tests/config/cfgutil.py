"""Helpers for the configuration suites: libivs driven through ctypes in a subprocess per case
(Tests/config/probe.py) with a temporary HOME and a clean environment, ivs-local as the service,
and small loopback HTTP servers standing in for the container, instance metadata and SSO endpoints."""
import hashlib
import http.server
import json
import os
import socket
import socketserver
import subprocess
import sys
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tools', 'ivs-local'))
from ivslocal.testing import Control  # noqa: E402

# A Python with botocore[crt] (awscrt), which botocore's `aws login` provider needs: scripts/setup.sh makes
# one apart from .venv (awscrt would change how every other botocore client signs), test.sh names it.
BOTOCORE_CRT_PYTHON = os.environ.get('IVS_BOTOCORE_CRT_PYTHON')
LIBRARY = os.environ.get('IVS_LIBRARY') or os.path.join(ROOT, '.build', 'release', 'libivs.so')
REGION = 'us-west-2'

# Key pairs ivs-local accepts; each credential source in the tests yields a different one, so the
# access key in a request's Authorization header tells which source libivs used (and a valid
# signature proves it used the matching secret).
PAIRS = {'config': ('AKIDCONFIG', 'configsecret'), 'env': ('AKIDENV', 'envsecret'),
         'credfile': ('AKIDCREDFILE', 'credfilesecret'), 'cfgfile': ('AKIDCFGFILE', 'cfgfilesecret'),
         'process': ('AKIDPROCESS', 'processsecret'), 'sso': ('AKIDSSO', 'ssosecret'),
         'container': ('AKIDCONTAINER', 'containersecret'), 'imds': ('AKIDIMDS', 'imdssecret'),
         'planted': ('AKIDPLANTED', 'PLANTED-SECRET-KEY-9f8e7d')}


class IvsLocal(Control):
    """ivs-local's control API, and which key pair signed each request."""

    def access_keys(self, **query):
        """The access key ID of each logged request, oldest first."""
        out = []
        for r in self.requests(**query):
            auth = {k.lower(): v for k, v in r['headers'].items()}.get('authorization', '')
            out.append(auth.split('Credential=')[1].split('/')[0] if 'Credential=' in auth else None)
        return out


class Home:
    """A temporary HOME with ~/.aws files, and the clean environment a probe runs in."""

    def __init__(self, path):
        self.path = str(path)
        self.env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': self.path, 'IVS_LIBRARY': LIBRARY,
                    'AWS_EC2_METADATA_DISABLED': 'true',
                    'IVS_TEST_CREDENTIAL_CLOCK_FILE': os.path.join(self.path, 'clock-offset')}

    def write(self, rel, text, mode=0o600):
        p = os.path.join(self.path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def config(self, text):
        return self.write('.aws/config', text)

    def credentials(self, text):
        return self.write('.aws/credentials', text)

    def sso_token(self, key, token, expires_at):
        name = hashlib.sha1(key.encode()).hexdigest()
        return self.write(f'.aws/sso/cache/{name}.json', json.dumps({'accessToken': token, 'expiresAt': expires_at}))

    def probe(self, config=None, steps=(), log_level=0, env=None, timeout=120):
        e = dict(self.env)
        e.update(env or {})
        e = {k: v for k, v in e.items() if v is not None}
        spec = {'config': config, 'steps': list(steps), 'logLevel': log_level}
        p = subprocess.run([sys.executable, os.path.join(HERE, 'probe.py')], input=json.dumps(spec), env=e,
                           capture_output=True, text=True, timeout=timeout)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)




    def botocore(self, region=REGION, profile=None, steps=(), env=None, timeout=120, python=None):
        """The same steps through botocore (Tests/config/botoref.py) with this HOME and environment."""
        e = dict(self.env)
        e.update(env or {})
        e = {k: v for k, v in e.items() if v is not None}
        spec = {'region': region, 'profile': profile, 'steps': list(steps)}
        p = subprocess.run([python or sys.executable, os.path.join(HERE, 'botoref.py')], input=json.dumps(spec), env=e,
                           capture_output=True, text=True, timeout=timeout)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)


def service_config(local, **extra):
    c = {'region': REGION, 'endpointUrl': local.url, 'maxAttempts': 1}
    c.update(extra)
    return c


LIST = ['ivs', 'ListChannels', {}]


class FakeServer:
    """A loopback HTTP server whose answers come from `handler(method, path, headers, body)` ->
    (status, headers dict, body bytes); every request is recorded."""

    def __init__(self, handler):
        self.handler = handler
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def _any(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n) if n else b''
                with outer.lock:
                    outer.requests.append({'method': self.command, 'path': self.path,
                                           'headers': {k.lower(): v for k, v in self.headers.items()}, 'body': body})
                status, headers, out = outer.handler(self.command, self.path, self.headers, body)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header('Content-Length', str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_PUT = do_POST = do_DELETE = _any

            def log_message(self, *args):
                pass

        class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = S(('127.0.0.1', 0), H)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()




def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def botocore_has_crt():
    return bool(BOTOCORE_CRT_PYTHON) and subprocess.run([BOTOCORE_CRT_PYTHON, '-c', 'import awscrt'],
                                                        capture_output=True).returncode == 0
