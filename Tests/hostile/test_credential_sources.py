"""Hostile credential sources (issue 10, contracts 7 and 11): container and instance metadata endpoints
that answer with huge, endless, malformed or header-injecting documents, and credential_process
commands that never exit, print 100 MB or put a line break in a token. The client config has no
credentials, so the chain reaches the source under test. Whatever the source does: no crash, bounded
memory, and when the credentials are refused (IVS_E_CREDENTIALS) nothing is sent to the API server.

RSS bound: 100 MB everywhere (a credential document is a few hundred bytes; the driver's baseline is
~20 MB)."""
import json
import os
import re
import stat
import time

import pytest

from hostile_driver import CANARIES, SECRET, TOKEN, config_for, run
from hostile_server import response

RSS_MB = 100
LIST = ('call', 'ivs', 'ListChannels', {})
GOOD = {'AccessKeyId': 'AKIDSOURCE', 'SecretAccessKey': SECRET, 'Token': TOKEN, 'Expiration': '2099-01-01T00:00:00Z'}
INJECT = 'x\r\nX-Injected: 1'


@pytest.fixture()
def api(serve):
    """The API server the call goes to once it has credentials: answers every request."""
    return serve(lambda conn, req: conn.send(response(200, headers=[('Content-Type', 'application/json')],
                                                      body=b'{"channels": []}')) or True)


def no_credentials_config(api, **extra):
    c = config_for(api, **extra)
    del c['credentials']
    return c


def body_handler(kind, body=b''):
    """An endpoint answering GETs/PUTs with: a fixed body ('fixed'), a 200 MB announced body ('length'),
    or a body with no length that never ends ('endless')."""
    def handler(conn, req):
        if kind == 'fixed':
            conn.send(response(200, headers=[('Content-Type', 'application/json')], body=body))
            return True
        if kind == 'length':
            conn.send(response(200, headers=[('Content-Length', 200 * 1000 * 1000)], content_length=False) + b'{"A": "')
        else:
            conn.send(response(200, headers=[('Connection', 'close')], content_length=False) + b'{"A": "')
        conn.send_stream(b'x' * 65536)
        return False
    return handler


# --- container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) ------------------------------

CONTAINER_CASES = [
    ('huge-body', 'length', None, {4}),
    ('endless-body', 'endless', None, {4}),
    ('invalid-json', 'fixed', b'{"AccessKeyId": "A", ', {4}),
    ('not-an-object', 'fixed', b'["AccessKeyId"]', {4}),
    ('invalid-utf8', 'fixed', b'{"AccessKeyId": "\xff", "SecretAccessKey": "s"}', {4}),
    ('token-crlf', 'fixed', json.dumps({**GOOD, 'Token': INJECT}).encode(), {4}),
    ('token-nul', 'fixed', json.dumps({**GOOD, 'Token': 'a\u0000b'}).encode(), {4}),
    ('token-del', 'fixed', json.dumps({**GOOD, 'Token': 'a\u007fb'}).encode(), {4}),
    ('access-key-crlf', 'fixed', json.dumps({**GOOD, 'AccessKeyId': INJECT}).encode(), {4}),
    # Expirations no calendar holds: refused, or taken as "far away"; never a crash.
    ('expiration-year-99999', 'fixed', json.dumps({**GOOD, 'Expiration': '99999-01-01T00:00:00Z'}).encode(), {0, 4}),
    ('expiration-1e300', 'fixed', json.dumps(GOOD).replace('"2099-01-01T00:00:00Z"', '1e300').encode(), {0, 4}),
    ('expiration-month-13', 'fixed', json.dumps({**GOOD, 'Expiration': '2024-13-45T99:99:99Z'}).encode(), {0, 4}),
    ('expiration-huge-offset', 'fixed', json.dumps({**GOOD, 'Expiration': '2099-01-01T00:00:00+99:99'}).encode(), {0, 4}),
]


@pytest.mark.parametrize('kind,body,allowed', [c[1:] for c in CONTAINER_CASES], ids=[c[0] for c in CONTAINER_CASES])
def test_container_endpoint(driver, tmp_path, serve, api, kind, body, allowed):
    endpoint = serve(body_handler(kind, body))
    out = run(driver, tmp_path, no_credentials_config(api),
              [LIST], RSS_MB, env={'AWS_CONTAINER_CREDENTIALS_FULL_URI': endpoint.url + '/v2/credentials'}, timeout=60)
    assert out.step.status in allowed, out.step.brief()
    expect_sent(out, api)
    assert out.step.ms < 15000


def expect_sent(out, api):
    """Refused credentials: nothing reached the API server. Accepted ones: one signed request."""
    if out.step.status == 4:
        assert out.step.code in ('CredentialRetrievalError', 'NoCredentialsError', 'InvalidConfiguration'), out.step.brief()
        assert api.count == 0, f'{api.count} request(s) sent to the API server with refused credentials'
    else:
        assert api.count == 1
        assert not any(c.lower() in r.raw_head.decode('latin-1').lower() for r in api.requests for c in ('x-injected',))


# --- instance metadata (AWS_EC2_METADATA_SERVICE_ENDPOINT) ---------------------------------------------

def imds_handler(token=None, token_kind='fixed', role=b'hostile-role', document=None):
    """IMDSv2: PUT /latest/api/token -> token (or a huge/endless body), then the role, then the document."""
    stream_token = body_handler(token_kind) if token_kind != 'fixed' else None

    def handler(conn, req):
        if req.method == 'PUT' and req.path == '/latest/api/token':
            if stream_token:
                return stream_token(conn, req)
            conn.send(response(200, body=token if token is not None else b'imds-session-token'))
        elif req.path.rstrip('/') == '/latest/meta-data/iam/security-credentials':
            conn.send(response(200, body=role))
        elif req.path.startswith('/latest/meta-data/iam/security-credentials/'):
            conn.send(response(200, body=document if document is not None else json.dumps(GOOD).encode()))
        else:
            conn.send(response(404, 'Not Found'))
        return True
    return handler


IMDS_CASES = [
    ('token-crlf', dict(token=INJECT.encode()), {0, 4}),
    ('token-nul', dict(token=b'a\x00b'), {0, 4}),
    ('token-huge', dict(token_kind='length'), {4}),
    ('token-endless', dict(token_kind='endless'), {4}),
    ('role-control-char', dict(role=b'a\x01b'), {4}),
    ('role-100k', dict(role=b'r' * 100000), {0, 4}),
    ('document-token-crlf', dict(document=json.dumps({**GOOD, 'Token': INJECT}).encode()), {4}),
    ('document-access-key-crlf', dict(document=json.dumps({**GOOD, 'AccessKeyId': INJECT}).encode()), {4}),
    ('document-invalid-json', dict(document=b'{"AccessKeyId": '), {4}),
    ('document-expiration-1e300', dict(document=json.dumps(GOOD).replace('"2099-01-01T00:00:00Z"', '1e300').encode()),
     {0, 4}),
]


@pytest.mark.parametrize('case,allowed', [c[1:] for c in IMDS_CASES], ids=[c[0] for c in IMDS_CASES])
def test_instance_metadata(driver, tmp_path, serve, api, case, allowed):
    imds = serve(imds_handler(**case))
    out = run(driver, tmp_path, no_credentials_config(api), [LIST], RSS_MB,
              env={'AWS_EC2_METADATA_DISABLED': None, 'AWS_EC2_METADATA_SERVICE_ENDPOINT': imds.url}, timeout=60)
    assert out.step.status in allowed, out.step.brief()
    expect_sent(out, api)
    injected = [r.path for r in imds.requests if r.header('x-injected') is not None]
    assert not injected, f'a header from the metadata service was injected into requests to {injected}'
    assert out.step.ms < 15000


# --- credential_process ---------------------------------------------------------------------------------

def process_profile(tmp_path, script):
    """A profile whose credential_process runs `script` (sh) from a file in tmp_path."""
    path = tmp_path / 'credential-process.sh'
    path.write_text('#!/bin/sh\n' + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    (tmp_path / 'config').write_text(f'[profile hostile]\ncredential_process = /bin/sh {path}\n')
    return {'AWS_PROFILE': 'hostile'}


def alive(pid):
    """Whether pid is a running process (a zombie counts as gone)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def read_pids(*files):
    pids = []
    for f in files:
        try:
            pids.append(int(f.read_text().strip()))
        except (FileNotFoundError, ValueError):
            pass
    return pids


def kill_leftovers(pids):
    """Kills processes this test's credential_process started and libivs left behind (by pid)."""
    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


@pytest.mark.parametrize('output', ['silent', 'endless'])
def test_process_never_exits(driver, tmp_path, api, output):
    """credentialProcessTimeoutMs 500: the call fails within a couple of seconds, and the process and
    the child it started (its process group) are gone afterwards."""
    pid_file, child_file = tmp_path / 'pid', tmp_path / 'child'
    body = 'yes x &' if output == 'endless' else 'sleep 1000 &'
    env = process_profile(tmp_path, f'echo $$ > {pid_file}\n{body}\necho $! > {child_file}\nwait\n')
    try:
        out = run(driver, tmp_path, no_credentials_config(api, credentialProcessTimeoutMs=500), [LIST], RSS_MB,
                  env=env, timeout=20)
        out.step.expect_error(4, 'CredentialRetrievalError')
        assert re.search(r'timed out|time-?out|did not finish within', out.step.error['message'], re.I), \
            f'the message does not say the process timed out: {out.step.brief()}'
        assert out.step.ms < 2500
        assert api.count == 0
        pids = read_pids(pid_file, child_file)
        assert len(pids) == 2, 'the credential process did not start'
        deadline = time.monotonic() + 1
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in pids if alive(p)], f'processes left running: {[p for p in pids if alive(p)]}'
    finally:
        kill_leftovers(read_pids(pid_file, child_file))


def test_process_prints_100_mb(driver, tmp_path, api):
    env = process_profile(tmp_path, f'printf \'{{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "{SECRET}", '
                                    '"Padding": "\'\nhead -c 100000000 /dev/zero | tr "\\0" x\nprintf \'"}\'\n')
    out = run(driver, tmp_path, no_credentials_config(api), [LIST], RSS_MB, env=env, timeout=60)
    out.step.expect_error(4, 'CredentialRetrievalError')
    assert api.count == 0


PROCESS_CASES = [
    ('session-token-newline', {'SessionToken': 'tok\nX-Injected: 1'}),
    ('session-token-cr', {'SessionToken': 'tok\rX-Injected: 1'}),
    ('session-token-nul', {'SessionToken': 'tok\u0000x'}),
    ('access-key-newline', {'AccessKeyId': 'AKID\nX-Injected: 1'}),
    ('access-key-escape', {'AccessKeyId': 'AKID\u001b[31m'}),
]


@pytest.mark.parametrize('fields', [c[1] for c in PROCESS_CASES], ids=[c[0] for c in PROCESS_CASES])
def test_process_control_characters(driver, tmp_path, api, fields):
    doc = {'Version': 1, 'AccessKeyId': 'AKIDPROC', 'SecretAccessKey': SECRET, **fields}
    env = process_profile(tmp_path, "cat <<'EOF'\n" + json.dumps(doc) + '\nEOF\n')
    out = run(driver, tmp_path, no_credentials_config(api), [LIST], RSS_MB, env=env)
    out.step.expect_error(4)
    assert api.count == 0


# --- environment, shared files and config ----------------------------------------------------------------

ENV_CASES = [
    ('env-access-key-crlf', {'AWS_ACCESS_KEY_ID': 'AKID\r\nX-Injected: 1', 'AWS_SECRET_ACCESS_KEY': SECRET}),
    ('env-session-token-lf', {'AWS_ACCESS_KEY_ID': 'AKIDENV', 'AWS_SECRET_ACCESS_KEY': SECRET,
                              'AWS_SESSION_TOKEN': 'tok\nX-Injected: 1'}),
    ('env-session-token-del', {'AWS_ACCESS_KEY_ID': 'AKIDENV', 'AWS_SECRET_ACCESS_KEY': SECRET,
                               'AWS_SESSION_TOKEN': 'tok\x7f'}),
]


@pytest.mark.parametrize('env', [c[1] for c in ENV_CASES], ids=[c[0] for c in ENV_CASES])
def test_environment_credentials_with_control_characters(driver, tmp_path, api, env):
    out = run(driver, tmp_path, no_credentials_config(api), [LIST], RSS_MB, env=env)
    out.step.expect_error(4)
    assert api.count == 0


@pytest.mark.parametrize('line', ['aws_session_token = tok\x01x', 'aws_session_token = tok\x7f',
                                  'aws_access_key_id = AKID\x0bX'])
def test_credentials_file_with_control_characters(driver, tmp_path, api, line):
    keys = {'aws_access_key_id': 'AKIDFILE', 'aws_secret_access_key': SECRET}
    keys[line.split(' = ')[0]] = line.split(' = ')[1]
    (tmp_path / 'credentials').write_text('[default]\n' + ''.join(f'{k} = {v}\n' for k, v in keys.items()))
    out = run(driver, tmp_path, no_credentials_config(api), [LIST], RSS_MB)
    out.step.expect_error(4)
    assert api.count == 0


@pytest.mark.parametrize('config,status', [
    ({'credentials': {'accessKeyId': 'AKID\r\nX-Injected: 1', 'secretAccessKey': SECRET}}, 3),
    ({'credentials': {'accessKeyId': 'AKID', 'secretAccessKey': SECRET, 'sessionToken': 'tok\nX-Injected: 1'}}, 3),
    # jansson refuses \u0000 in any JSON string: config_json itself is invalid.
    ({'credentials': {'accessKeyId': 'AKID', 'secretAccessKey': SECRET, 'sessionToken': 'tok\u0000'}}, 1),
    ({'userAgentSuffix': 'app/1.0\r\nX-Injected: 1'}, 3),
    ({'userAgentSuffix': 'app\u007f'}, 3),
], ids=['config-access-key-crlf', 'config-session-token-lf', 'config-session-token-nul', 'user-agent-crlf',
        'user-agent-del'])
def test_config_header_values_with_control_characters(driver, tmp_path, api, config, status):
    """A config value that would go into a header with a control character: IVS_E_CONFIG at
    ivs_client_new, nothing sent."""
    c = config_for(api)
    c.update(config)
    out = run(driver, tmp_path, c, [LIST], RSS_MB, expect_new=status)
    assert out.new_json['error']['kind'] == {1: 'invalid_argument', 3: 'config'}[status]
    assert not any(x in json.dumps(out.new_json) for x in CANARIES)
    assert api.count == 0
