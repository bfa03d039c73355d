"""botocore as the reference for the credential suites: runs the steps a probe runs (Tests/config/probe.py)
through botocore's own credential chain, in a process of its own with the same HOME and environment.
Reads a JSON spec on stdin, prints one JSON document:

    {"region": "us-west-2", "profile": null or a name (as the client config's profile),
     "steps": [{"credentials": true}, {"clock": seconds}, {"write": [path, text]}]}
 -> {"results": [{"accessKeyId", "secretAccessKey", "sessionToken", "expiration", "source"} or {"error": "..."}]}

"clock" moves botocore's notion of now for credentials and tokens (its _local_now, tokens._utc_now
and utils.get_current_datetime) as libivs's IVS_TEST_CREDENTIAL_CLOCK_FILE moves libivs's.
"""
import datetime
import json
import sys
import urllib.request

import botocore.compat
import botocore.credentials
import botocore.session
import botocore.tokens
import botocore.utils

OFFSET = 'IVS_TEST_CLOCK_OFFSET'


# Replacement code for botocore's clocks; each runs with the globals of the function it replaces.
def shifted_local_now():
    return datetime.datetime.now(tzlocal()) + IVS_TEST_CLOCK_OFFSET  # noqa: F821 (botocore.credentials' globals)


def shifted_utc_now():
    return datetime.now(tzutc()) + IVS_TEST_CLOCK_OFFSET  # noqa: F821 (botocore.tokens': datetime is the class)


# Every reference to these functions (default arguments included) runs the shifted code.
CLOCKS = [(botocore.credentials._local_now, shifted_local_now), (botocore.tokens._utc_now, shifted_utc_now)]
for fn, code in CLOCKS:
    fn.__globals__[OFFSET] = datetime.timedelta(0)
    fn.__code__ = code.__code__
# compat.get_current_datetime also dates signatures: only the instance-metadata code's name for it moves.
botocore.utils.get_current_datetime = lambda remove_tzinfo=True: shifted(remove_tzinfo)
_original_current_datetime = botocore.compat.get_current_datetime
_offset = [datetime.timedelta(0)]


def shifted(remove_tzinfo):
    now = _original_current_datetime(remove_tzinfo=False) + _offset[0]
    return now.replace(tzinfo=None) if remove_tzinfo else now


def set_clock(seconds):
    _offset[0] = datetime.timedelta(seconds=seconds)
    for fn, _ in CLOCKS:
        fn.__globals__[OFFSET] = _offset[0]


def describe(e):
    return f'{type(e).__name__}: {e}'


spec = json.load(sys.stdin)
results = []
creds = None
failure = None
try:
    session = botocore.session.Session(profile=spec.get('profile'))
    session.create_client('sts', region_name=spec['region'])  # the region botocore's STS client uses
    creds = session.get_credentials()
except Exception as e:  # noqa: BLE001 (the reference's failure is a result)
    failure = describe(e)
for step in spec['steps']:
    if 'clock' in step:
        set_clock(step['clock'])
        continue
    if 'post' in step:
        url, body = step['post']
        urllib.request.urlopen(urllib.request.Request(url, data=json.dumps(body).encode(), method='POST'),
                               timeout=10).read()
        continue
    if 'write' in step:
        path, text = step['write']
        with open(path, 'w') as f:
            f.write(text)
        continue
    if failure is not None:
        results.append({'error': failure})
        continue
    if creds is None:
        results.append({'error': 'NoCredentialsError: Unable to locate credentials'})
        continue
    try:
        f = creds.get_frozen_credentials()
        expiry = getattr(creds, '_expiry_time', None)
        results.append({'accessKeyId': f.access_key, 'secretAccessKey': f.secret_key, 'sessionToken': f.token,
                        'expiration': expiry.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
                        if expiry else None,
                        'source': 'environment' if creds.method == 'env' else creds.method})
    except Exception as e:  # noqa: BLE001
        results.append({'error': describe(e)})
print(json.dumps({'results': results}))
