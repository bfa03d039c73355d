"""AWS STS for the credential suites: moto's server as the STS, behind a recording proxy that lets
libivs and botocore meet the same answers. The n-th request libivs sends for some parameters (and
source key) gets the answer moto gave to the n-th such request botocore sent, or the other way round,
so the two clients, given the same files and environment, must end with the very same credentials.
Every signed request's SigV4 signature is checked with botocore's signer (ivslocal.sigv4)."""
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

from ivslocal.sigv4 import AuthError, verify

DEFAULT_SESSION = re.compile(r'botocore-session-\d+')


def start_moto(port):
    exe = os.path.join(os.path.dirname(sys.executable), 'moto_server')
    proc = subprocess.Popen([exe, '-H', '127.0.0.1', '-p', str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError('moto_server did not start')


def sts_error(code, message, status=400):
    body = (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f'<Code>{code}</Code><Message>{message}</Message></Error><RequestId>req-{code}</RequestId></ErrorResponse>')
    return status, {'Content-Type': 'text/xml'}, body.encode()


class STSRecorder:
    """The handler of a FakeServer in front of moto (see the module's docstring)."""

    def __init__(self, moto_url, secrets):
        self.moto = urlsplit(moto_url)
        self.secrets = dict(secrets)
        self.records = []
        self.answers = {}
        self.seen = {}
        self.faults = []  # (status, headers, body) answered instead of moto's, oldest first
        self.lock = threading.Lock()
        self.lifetime = None  # seconds: rewrite the Expiration of moto's answers

    @staticmethod
    def client(headers):
        return 'libivs' if (headers.get('User-Agent') or '').startswith('libivs') else 'botocore'

    def __call__(self, method, path, headers, body):
        if path == '/_lifetime':  # {"seconds"}: answers from now on expire that long after now
            import json
            self.lifetime = json.loads(body)['seconds']
            return 200, {}, b'{}'
        if path == '/_fault':  # {"code", "status", "count"}: the next count requests get that STS error
            import json
            f = json.loads(body)
            with self.lock:
                self.faults += [sts_error(f['code'], f.get('message', 'injected'), f.get('status', 400))] * f.get('count', 1)
            return 200, {}, b'{}'
        params = parse_qsl(body.decode('utf-8', 'replace'), keep_blank_values=True)
        normal = tuple(sorted((k, 'botocore-session-*' if k == 'RoleSessionName' and DEFAULT_SESSION.fullmatch(v) else v)
                              for k, v in params))
        auth = headers.get('Authorization')
        source = auth.split('Credential=')[1].split('/')[0] if auth and 'Credential=' in auth else None
        rec = {'client': self.client(headers), 'method': method, 'path': path, 'params': params, 'source': source,
               'signed': auth is not None, 'scope': None, 'signature': None,
               'contentType': headers.get('Content-Type')}
        if auth:
            try:
                scope = verify(method, path, '', headers, body, self.secrets.get, 'sts')
                rec['scope'], rec['signature'] = (scope.region, scope.service), 'valid'
            except AuthError as e:
                rec['signature'] = e.message
        with self.lock:
            if self.faults:
                answer = self.faults.pop(0)
            else:
                key = (normal, source)
                n = self.seen.get((rec['client'], key), 0)
                self.seen[(rec['client'], key)] = n + 1
                answers = self.answers.setdefault(key, [])
                if n >= len(answers):
                    answers.append(self.forward(method, headers, body))
                answer = answers[n]
            rec['status'] = answer[0]
            rec['credentials'] = self.credentials(answer[2])
            if rec['credentials']:
                self.secrets[rec['credentials']['accessKeyId']] = rec['credentials']['secretAccessKey']
            self.records.append(rec)
        return answer

    def forward(self, method, headers, body):
        conn = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=30)
        h = {k: v for k, v in headers.items() if k.lower() in ('content-type', 'authorization', 'x-amz-date',
                                                                 'x-amz-security-token')}
        if 'Authorization' not in h:  # moto routes by the credential scope; unsigned calls name STS for it
            h['Authorization'] = 'AWS4-HMAC-SHA256 Credential=unsigned/20200101/us-east-1/sts/aws4_request, ' \
                                 'SignedHeaders=host, Signature=0'
        conn.request(method, '/', body=body, headers=h)
        r = conn.getresponse()
        out = r.read()
        conn.close()
        if self.lifetime is not None:
            when = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + self.lifetime))
            out = re.sub(rb'<Expiration>[^<]*</Expiration>', f'<Expiration>{when}</Expiration>'.encode(), out)
        return r.status, {'Content-Type': r.getheader('Content-Type') or 'text/xml'}, out

    @staticmethod
    def credentials(xml):
        try:
            root = ET.fromstring(xml)
        except ET.ParseError:
            return None
        c = next((e for e in root.iter() if e.tag.endswith('}Credentials') or e.tag == 'Credentials'), None)
        if c is None:
            return None
        value = {child.tag.split('}')[-1]: child.text for child in c}
        return {'accessKeyId': value.get('AccessKeyId'), 'secretAccessKey': value.get('SecretAccessKey'),
                'sessionToken': value.get('SessionToken'), 'expiration': value.get('Expiration')}

    def of(self, client):
        return [r for r in self.records if r['client'] == client]
