#!/usr/bin/env python3
"""Writes the reference tables the Swift configuration tests check libivs against, computed by
botocore alone (test_endpoints.py::test_fixtures_are_current fails when they go stale):

- Tests/IVSCoreTests/Fixtures/endpoints.json: botocore's EndpointRulesetResolver for every service,
  every region the partitions list plus unlisted ones per partition, FIPS and dual-stack on and off,
  and a custom endpoint: the URL, or the rule set's error.
- Tests/IVSCoreTests/Fixtures/adaptive.json: botocore's adaptive-mode ClientRateLimiter (CUBIC,
  token bucket, rate clocker) on a fake clock through a sequence of throttled and successful
  responses: the fill rate, measured rate and capacity after each.

    python3 Tests/config/make_fixtures.py
"""
import json
import os
import sys

import botocore
import botocore.session
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError
from botocore.retries import adaptive, bucket, throttling

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'Tests', 'IVSCoreTests', 'Fixtures')
sys.path.insert(0, os.path.join(ROOT, 'tools', 'codegen'))
from services import NAMES as SERVICES, require_botocore  # noqa: E402  (models/services.json)
EXTRA_REGIONS = ['us-east-99', 'eu-central-7', 'cn-east-7', 'us-gov-east-9', 'eusc-de-west-3', 'us-iso-west-8',
                 'us-isob-west-8', 'eu-isoe-west-3', 'us-isof-east-4', 'xx-unknown-1', 'local']


def endpoints():
    """The rule sets evaluated by botocore's own EndpointProvider (the engine behind its
    EndpointRulesetResolver) on botocore's copies of the rule sets and partitions."""
    loader = botocore.session.Session().get_component('data_loader')
    partitions = loader.load_data('partitions')
    regions = sorted({r for p in partitions['partitions'] for r in p['regions']}) + EXTRA_REGIONS
    rows = []
    for service in SERVICES:
        provider = EndpointProvider(loader.load_service_model(service, 'endpoint-rule-set-1'), partitions)
        for region in regions:
            for custom in (None, 'https://custom.example.com:8443/base'):
                for fips in (False, True):
                    for ds in (False, True):
                        row = {'service': service, 'region': region, 'fips': fips, 'dualstack': ds}
                        params = {'Region': region, 'UseFIPS': fips, 'UseDualStack': ds}
                        if custom:
                            row['endpoint'] = params['Endpoint'] = custom
                        try:
                            row['url'] = provider.resolve_endpoint(**params).url
                        except EndpointResolutionError as ex:
                            row['error'] = ex.kwargs['msg']
                        rows.append(row)
    return rows


class FakeClock:
    def __init__(self, t):
        self.t = t

    def current_time(self):
        return self.t


class Detector:
    def is_throttling_error(self, **kwargs):
        return kwargs['throttled']


def adaptive_rows():
    clock = FakeClock(1000.0)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock), token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=Detector(), clock=clock)
    # Steady sends, a burst of throttles, recovery, a second throttle, long recovery.
    events = [(0.1 * i, False) for i in range(1, 25)]
    events += [(2.5 + 0.05 * i, i % 3 == 0) for i in range(12)]
    events += [(3.2 + 0.25 * i, False) for i in range(20)]
    events += [(8.4, True), (8.5, True)]
    events += [(9.0 + 0.5 * i, False) for i in range(30)]
    rows = []
    for dt, throttled in events:
        clock.t = 1000.0 + dt
        limiter.on_receiving_response(throttled=throttled)
        rows.append({'time': clock.t, 'throttled': throttled, 'fillRate': limiter._token_bucket.max_rate,
                     'measuredRate': limiter._rate_clocker.measured_rate, 'enabled': limiter._enabled,
                     'capacity': limiter._token_bucket.available_capacity})
    return rows


def tables():
    return {'endpoints.json': endpoints(), 'adaptive.json': adaptive_rows()}


def main():
    require_botocore(botocore.__version__)
    for name, rows in tables().items():
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(rows, f, indent=0, sort_keys=True)
            f.write('\n')
        print(f'wrote {len(rows)} rows to Tests/IVSCoreTests/Fixtures/{name}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
