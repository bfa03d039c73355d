"""Runs Tests/hostile/driver.c for one case of the hostile-server suite (issue 10) and applies the checks
every case shares. The driver runs in a process of its own (a crash is a signal the test reports),
with a clean environment and a temporary HOME; the checks: not killed, every returned text valid UTF-8
and valid JSON (duplicate keys and NaN refused), errors of the fixed shape with the kind of their
status, no secret anywhere in the output or the log lines, peak RSS under the case's bound."""
import collections
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

LIBRARY = os.environ.get('IVS_LIBRARY') or os.path.join(ROOT, '.build', 'release', 'libivs.so')
REGION = 'us-west-2'
# Canaries: distinctive secrets that must never appear in what libivs returns or logs.
SECRET = 'SECRETSECRETSECRET'
TOKEN = 'SESSIONTOKENSECRET'
CREDENTIALS = {'accessKeyId': 'AKIDHOSTILE', 'secretAccessKey': SECRET, 'sessionToken': TOKEN}
CANARIES = (SECRET, TOKEN)
CHANNEL = 'arn:aws:ivs:us-west-2:123456789012:channel/abcdABCDefgh'
ROOM = 'arn:aws:ivschat:us-west-2:123456789012:room/abcdABCDefgh'
KINDS = {1: 'invalid_argument', 2: 'validation', 3: 'config', 4: 'credentials', 5: 'network', 6: 'service',
         7: 'internal'}
ERROR_KEYS = {'kind', 'code', 'message', 'httpStatus', 'requestId', 'retryable', 'attempts', 'fields'}
# The driver's RSS with libivs loaded and a call made is ~20 MB; bounds are set per case above that.
sys.setrecursionlimit(20000)


def strict_json(text):
    """json.loads that refuses what a lenient parser lets through: duplicate keys, NaN/Infinity."""
    def pairs(ps):
        dup = [k for k, n in collections.Counter(k for k, _ in ps).items() if n > 1]
        if dup:
            raise ValueError(f'duplicate keys in an object: {dup[:5]}')
        return dict(ps)

    def constant(c):
        raise ValueError(f'not JSON: {c}')
    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)


class Step:
    def __init__(self, raw, case):
        self.op = raw['op']
        self.status = raw['status']
        self.ms = raw['ms']
        self.raw = bytes.fromhex(raw['text'])
        problem = None
        try:
            self.text = self.raw.decode('utf-8')
        except UnicodeDecodeError as e:
            problem = f'{case}: {self.op} returned invalid UTF-8 ({e}): {self.raw[:300]!r}'
        if problem:
            pytest.fail(problem)
        try:
            self.json = strict_json(self.text)
        except (ValueError, RecursionError) as e:
            problem = f'{case}: {self.op} returned text that is not valid JSON ({e}): {self.text[:300]!r}'
        if problem:
            pytest.fail(problem)
        assert isinstance(self.json, dict), f'{case}: {self.op} returned a non-object: {self.text[:300]!r}'
        self.error = self.json.get('error') if self.status != 0 else None
        if self.status != 0:
            assert self.status in KINDS, f'{case}: unknown status {self.status}'
            assert isinstance(self.error, dict) and set(self.error) == ERROR_KEYS, \
                f'{case}: error JSON not of the fixed shape: {self.text[:500]}'
            assert self.error['kind'] == KINDS[self.status], f'{case}: kind does not match status: {self.text[:500]}'

    @property
    def code(self):
        return self.error['code'] if self.error else None

    def brief(self):
        if self.error:
            e = self.error
            return (f'status {self.status} {e["kind"]}/{e["code"]} http={e["httpStatus"]} attempts={e["attempts"]} '
                    f'retryable={e["retryable"]}: {e["message"][:200]}')
        return f'status {self.status}: {self.text[:200]}'

    def expect_error(self, status, code=None, **fields):
        """Asserts this step failed with status (and code, and the given error members)."""
        assert self.status == status and (code is None or self.code == code), \
            f'expected status {status}{" " + code if code else ""}, got {self.brief()}'
        for k, v in fields.items():
            assert self.error[k] == v, f'error.{k}: expected {v!r}, got {self.error[k]!r} ({self.brief()})'

    def expect_ok(self):
        assert self.status == 0, f'expected success, got {self.brief()}'
        return self.json


class Outcome:
    def __init__(self, new, new_json, steps, rss_mb, elapsed, stderr):
        self.new = new
        self.new_json = new_json
        self.steps = steps
        self.rss_mb = rss_mb
        self.elapsed = elapsed
        self.stderr = stderr

    @property
    def step(self):
        return self.steps[0]


def base_env(home):
    """A clean environment: no AWS_* from the test's own, HOME and the shared files in a temp dir, no
    instance metadata lookups unless a case asks for them."""
    return {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(home), 'IVS_LIBRARY': LIBRARY,
            'AWS_EC2_METADATA_DISABLED': 'true', 'AWS_CONFIG_FILE': os.path.join(str(home), 'config'),
            'AWS_SHARED_CREDENTIALS_FILE': os.path.join(str(home), 'credentials'), 'IVS_DRIVER_LOG': '4'}


def config_for(server, **extra):
    c = {'region': REGION, 'endpointUrl': server.url, 'credentials': CREDENTIALS, 'maxAttempts': 1}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


def run(driver, home, config, steps, rss_mb, env=None, timeout=60, expect_new=0):
    """Runs the driver once (its own process) and applies the checks every case shares; returns the
    Outcome. steps: ('call'|'paginate', service, operation, input dict) or ('sleep', ms)."""
    case = os.environ.get('PYTEST_CURRENT_TEST', 'case').rsplit(' ', 1)[0]
    e = base_env(home)
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}
    argv = [driver, 'NULL' if config is None else json.dumps(config)]
    for s in steps:
        if s[0] == 'sleep':
            argv += ['sleep', str(s[1])]
        else:
            argv += [s[0], s[1], s[2], json.dumps(s[3])]
    started = time.monotonic()
    p = subprocess.Popen(argv, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        pytest.fail(f'{case}: the driver did not finish within {timeout} s (hung); it printed: {out[-500:]!r}')
    elapsed = time.monotonic() - started
    stderr = err.decode('utf-8', 'replace')
    if p.returncode < 0:
        pytest.fail(f'{case}: libivs CRASHED: killed by signal {signal.Signals(-p.returncode).name} '
                    f'after {elapsed:.1f} s; driver output: {out[-300:]!r}; stderr tail: {stderr[-800:]}')
    assert p.returncode == 0, f'{case}: driver exited {p.returncode}: {stderr[-800:]}'
    raw = json.loads(out)
    new_text = bytes.fromhex(raw['newText']).decode('utf-8')
    new_json = strict_json(new_text) if new_text else None
    if expect_new is not None:  # None: the test looks at it itself
        assert raw['new'] == expect_new, f'{case}: ivs_client_new returned {raw["new"]}: {new_text[:500]}'
    steps_out = [Step(s, case) for s in raw['steps']]
    everything = out.decode('utf-8', 'replace') + ''.join(s.text for s in steps_out) + new_text + stderr
    for c in CANARIES:
        assert c not in everything, f'{case}: the secret {c} appears in what libivs returned or logged'
    rss = raw['maxRssKb'] / 1024
    if os.environ.get('HOSTILE_REPORT'):  # a line per case (status, code, RSS, time) for measurements
        with open(os.environ['HOSTILE_REPORT'], 'a') as f:
            f.write(json.dumps({'case': case, 'rssMb': round(rss, 1), 'boundMb': rss_mb, 'seconds': round(elapsed, 2),
                                'steps': [[s.status, (s.code or '')[:80]] for s in steps_out]}) + '\n')
    assert rss < rss_mb, f'{case}: peak RSS {rss:.0f} MB over the bound of {rss_mb} MB'
    return Outcome(raw['new'], new_json, steps_out, rss, elapsed, stderr)


# Timestamps in output: valid ISO 8601 UTC for a year 0001..9999 (issue 10, contract 1).
ISO = re.compile(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$')


def valid_timestamp(s):
    m = ISO.match(s) if isinstance(s, str) else None
    if not m:
        return False
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    if y < 1:
        return False
    try:
        datetime.datetime(y, mo, d, h, mi, min(se, 59))
    except ValueError:
        return False
    return se <= 60


def expect_timestamp_contract(step, get, status=200):
    """Either the call succeeded and get(output) is a valid timestamp, or it failed with IVS_E_SERVICE
    InvalidResponse carrying the response's status, not retryable."""
    if step.status == 0:
        value = get(step.json)
        assert valid_timestamp(value), f'the output holds an invalid timestamp: {value!r}'
    else:
        step.expect_error(6, 'InvalidResponse', httpStatus=status, retryable=False)
