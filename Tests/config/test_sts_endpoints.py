"""Where libivs sends AWS STS calls, and the region it signs them for, against botocore's resolution of the
same settings for every partition: regional endpoints by default, sts_regional_endpoints = legacy, FIPS,
dual-stack and both. Nothing is reachable here (no network), so libivs's failed call names the URL and
its debug log the signing region; botocore's request is caught before it is sent."""
import re

import botocore.session
import pytest

from cfgutil import PAIRS

REGIONS = ['us-west-2', 'us-east-1', 'eu-west-1', 'ap-northeast-3', 'aws-global', 'us-gov-west-1', 'cn-north-1',
           'us-iso-east-1', 'eusc-de-east-1']
MODES = {'regional': {}, 'legacy': {'AWS_STS_REGIONAL_ENDPOINTS': 'legacy'},
         'fips': {'AWS_USE_FIPS_ENDPOINT': 'true'}, 'dualstack': {'AWS_USE_DUALSTACK_ENDPOINT': 'true'},
         'fips-dualstack': {'AWS_USE_FIPS_ENDPOINT': 'true', 'AWS_USE_DUALSTACK_ENDPOINT': 'true'}}


class Caught(Exception):
    pass


def botocore_endpoint(monkeypatch, region, env):
    for k in ('AWS_STS_REGIONAL_ENDPOINTS', 'AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT', 'AWS_PROFILE',
              'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS'):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv('AWS_CONFIG_FILE', '/nonexistent')
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent')
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    client = botocore.session.Session().create_client('sts', region_name=region, aws_access_key_id='AKIDX',
                                                      aws_secret_access_key='secret')
    seen = {}

    def capture(request, **_):
        seen['url'] = request.url
        seen['region'] = request.headers['Authorization'].decode().split('/')[2]
        raise Caught()
    client.meta.events.register('before-send', capture)
    try:
        client.assume_role(RoleArn='arn:aws:iam::123456789012:role/r', RoleSessionName='s1')
    except Caught:
        return seen['url'].rstrip('/'), seen['region']
    except Exception as e:  # noqa: BLE001 (the rule set's error)
        return 'error', str(e)


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('region', REGIONS)
def test_sts_endpoint_matches_botocore(home, monkeypatch, region, mode):
    akid, secret = PAIRS['cfgfile']
    home.config('[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nmax_attempts = 1\n\n'
                f'[profile base]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n')
    r = home.probe({'region': region}, [{'credentials': True}], env=MODES[mode], log_level=4)
    err = r['results'][0][0]['json']['error']
    want_url, want_region = botocore_endpoint(monkeypatch, region, MODES[mode])
    if want_url == 'error':
        assert err['code'] == 'EndpointResolutionError', (err, want_region)
        return
    m = re.search(r'POST (https://[^ :]+):', err['message'])
    assert m, err
    assert m.group(1) == want_url
    line = next(line for line in r['logs'] if 'sts.AssumeRole attempt 1' in line)
    assert f'(signed for {want_region})' in line, line
