"""Every IVS low-latency operation through boto3, in the sequences an application runs them:
create, get, list with pagination, update, tag, untag, delete, not found afterwards."""
import json
import os
import re

import datetime

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import ACCOUNT, REGION, ROOT

MODEL = json.load(open(os.path.join(ROOT, 'models', 'ivs', '2020-07-14', 'service-2.json')))
CALLED = set()  # operations this module has sent, checked by the last test
MISSING = f'arn:aws:ivs:{REGION}:{ACCOUNT}:channel/missingChan1'


@pytest.fixture
def ivs(make_client, fresh):
    client = make_client('ivs')
    client.meta.events.register('before-call.ivs', lambda model, **_: CALLED.add(model.name))
    return client


def fails(call, code):
    """call() raises the service error code, which the model lists for that operation."""
    with pytest.raises(ClientError) as info:
        call()
    err = info.value
    assert err.response['Error']['Code'] == code, err.response
    listed = [e['shape'] for e in MODEL['operations'][err.operation_name]['errors']]
    assert code in listed, f'{code} is not an error of {err.operation_name}'
    return err.response


def public_pem(curve=ec.SECP384R1()):
    return ec.generate_private_key(curve).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# -- channels and their stream keys ---------------------------------------------------------------

def test_channel_lifecycle(ivs):
    created = ivs.create_channel(name='show', latencyMode='NORMAL', type='BASIC', tags={'team': 'a'})
    ch, key = created['channel'], created['streamKey']
    assert re.fullmatch(rf'arn:aws:ivs:{REGION}:{ACCOUNT}:channel/[a-zA-Z0-9]{{12}}', ch['arn'])
    cid = ch['arn'].rsplit('/', 1)[1]
    assert ch['ingestEndpoint'].endswith('.global-contribute.live-video.net')
    assert ch['playbackUrl'].endswith(f'/api/video/v1/{REGION}.{ACCOUNT}.channel.{cid}.m3u8')
    assert (ch['name'], ch['latencyMode'], ch['type'], ch['authorized'], ch['tags']) == ('show', 'NORMAL', 'BASIC', False, {'team': 'a'})
    assert re.fullmatch(rf'sk_{REGION}_[a-zA-Z0-9]{{32}}', key['value']) and key['channelArn'] == ch['arn']
    assert key['tags'] == {'team': 'a'}

    assert ivs.get_channel(arn=ch['arn'])['channel'] == ch
    updated = ivs.update_channel(arn=ch['arn'], name='renamed', authorized=True, type='ADVANCED_HD')['channel']
    assert (updated['name'], updated['authorized'], updated['type']) == ('renamed', True, 'ADVANCED_HD')
    assert updated['preset'] == 'HIGHER_BANDWIDTH_DELIVERY' and updated['latencyMode'] == 'NORMAL'

    ivs.tag_resource(resourceArn=ch['arn'], tags={'env': 'test', 'team': 'b'})
    assert ivs.list_tags_for_resource(resourceArn=ch['arn'])['tags'] == {'team': 'b', 'env': 'test'}
    ivs.untag_resource(resourceArn=ch['arn'], tagKeys=['team'])
    assert ivs.get_channel(arn=ch['arn'])['channel']['tags'] == {'env': 'test'}

    ivs.delete_channel(arn=ch['arn'])
    fails(lambda: ivs.get_channel(arn=ch['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.get_stream_key(arn=key['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.delete_channel(arn=ch['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.list_tags_for_resource(resourceArn=ch['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.tag_resource(resourceArn=ch['arn'], tags={'a': 'b'}), 'ResourceNotFoundException')
    fails(lambda: ivs.untag_resource(resourceArn=ch['arn'], tagKeys=['a']), 'ResourceNotFoundException')


def test_channel_rules(ivs):
    fails(lambda: ivs.create_channel(type='STANDARD', preset='HIGHER_BANDWIDTH_DELIVERY'), 'ValidationException')
    fails(lambda: ivs.create_channel(multitrackInputConfiguration={'enabled': True}), 'ValidationException')
    ch = ivs.create_channel(multitrackInputConfiguration={'enabled': True, 'policy': 'REQUIRE'},
                            containerFormat='FRAGMENTED_MP4')['channel']
    assert ch['multitrackInputConfiguration'] == {'enabled': True, 'policy': 'REQUIRE', 'maximumResolution': 'FULL_HD'}
    fails(lambda: ivs.create_channel(recordingConfigurationArn=f'arn:aws:ivs:{REGION}:{ACCOUNT}:recording-configuration/nope'),
          'ResourceNotFoundException')
    tags = {f'k{i}': 'v' for i in range(50)}
    arn = ivs.create_channel(tags=tags)['channel']['arn']
    fails(lambda: ivs.tag_resource(resourceArn=arn, tags={'one-more': 'v'}), 'ValidationException')
    assert len(ivs.list_tags_for_resource(resourceArn=arn)['tags']) == 50


def test_list_channels_paginates_and_filters(ivs):
    arns = [ivs.create_channel(name=f'ch{i % 2}')['channel']['arn'] for i in range(5)]
    page = ivs.list_channels(maxResults=2)
    assert len(page['channels']) == 2 and page['nextToken']
    seen = [c['arn'] for c in page['channels']]
    while 'nextToken' in page:
        page = ivs.list_channels(maxResults=2, nextToken=page['nextToken'])
        seen += [c['arn'] for c in page['channels']]
    assert seen == arns
    assert 'ingestEndpoint' not in page['channels'][0]  # a summary, as the model's ChannelSummary
    all_pages = ivs.get_paginator('list_channels').paginate(PaginationConfig={'PageSize': 2}).build_full_result()
    assert [c['arn'] for c in all_pages['channels']] == arns
    assert len(ivs.list_channels(filterByName='ch0')['channels']) == 3
    rc = f'arn:aws:ivs:{REGION}:{ACCOUNT}:recording-configuration/abc'
    fails(lambda: ivs.list_channels(filterByName='ch0', filterByRecordingConfigurationArn=rc), 'ConflictException')


def test_batch_get_channel_reports_missing_arns(ivs):
    a = ivs.create_channel(name='a')['channel']['arn']
    got = ivs.batch_get_channel(arns=[a, MISSING])
    assert [c['arn'] for c in got['channels']] == [a]
    assert got['errors'] == [{'arn': MISSING, 'code': 'ResourceNotFoundException', 'message': f'Channel {MISSING} not found'}]


def test_stream_keys(ivs):
    created = ivs.create_channel(name='k')
    channel, first = created['channel']['arn'], created['streamKey']['arn']
    fails(lambda: ivs.create_stream_key(channelArn=channel), 'ServiceQuotaExceededException')
    assert [k['arn'] for k in ivs.list_stream_keys(channelArn=channel)['streamKeys']] == [first]
    assert 'value' not in ivs.list_stream_keys(channelArn=channel)['streamKeys'][0]
    ivs.delete_stream_key(arn=first)
    fails(lambda: ivs.get_stream_key(arn=first), 'ResourceNotFoundException')
    key = ivs.create_stream_key(channelArn=channel, tags={'rotated': 'yes'})['streamKey']
    assert key['tags'] == {'rotated': 'yes'} and key['value'].startswith(f'sk_{REGION}_')
    assert ivs.get_stream_key(arn=key['arn'])['streamKey'] == key
    got = ivs.batch_get_stream_key(arns=[key['arn'], first])
    assert got['streamKeys'] == [key] and got['errors'][0]['arn'] == first
    ivs.tag_resource(resourceArn=key['arn'], tags={'b': 'c'})
    assert ivs.list_tags_for_resource(resourceArn=key['arn'])['tags'] == {'rotated': 'yes', 'b': 'c'}
    fails(lambda: ivs.create_stream_key(channelArn=MISSING), 'ResourceNotFoundException')
    fails(lambda: ivs.list_stream_keys(channelArn=MISSING), 'ResourceNotFoundException')


# -- playback key pairs ---------------------------------------------------------------------------

def test_playback_key_pairs(ivs):
    pem = public_pem()
    kp = ivs.import_playback_key_pair(publicKeyMaterial=pem, name='signer', tags={'a': '1'})['keyPair']
    assert re.fullmatch(rf'arn:aws:ivs:{REGION}:{ACCOUNT}:playback-key/[a-zA-Z0-9]{{12}}', kp['arn'])
    assert re.fullmatch(r'([0-9a-f]{2}:){31}[0-9a-f]{2}', kp['fingerprint'])
    assert ivs.get_playback_key_pair(arn=kp['arn'])['keyPair'] == kp
    fails(lambda: ivs.import_playback_key_pair(publicKeyMaterial=pem), 'ConflictException')
    fails(lambda: ivs.import_playback_key_pair(publicKeyMaterial=public_pem(ec.SECP256R1())), 'ValidationException')
    fails(lambda: ivs.import_playback_key_pair(publicKeyMaterial='-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
          'ValidationException')
    ivs.import_playback_key_pair(publicKeyMaterial=public_pem())
    ivs.import_playback_key_pair(publicKeyMaterial=public_pem())
    fails(lambda: ivs.import_playback_key_pair(publicKeyMaterial=public_pem()), 'ServiceQuotaExceededException')
    listed = ivs.list_playback_key_pairs(maxResults=2)
    assert len(listed['keyPairs']) == 2 and 'fingerprint' not in listed['keyPairs'][0]
    assert len(ivs.list_playback_key_pairs(nextToken=listed['nextToken'])['keyPairs']) == 1
    ivs.untag_resource(resourceArn=kp['arn'], tagKeys=['a'])
    assert ivs.list_tags_for_resource(resourceArn=kp['arn'])['tags'] == {}
    ivs.delete_playback_key_pair(arn=kp['arn'])
    fails(lambda: ivs.get_playback_key_pair(arn=kp['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.delete_playback_key_pair(arn=kp['arn']), 'ResourceNotFoundException')


# -- recording configurations, playback restriction policies, ad configurations ------------------

def test_recording_configurations(ivs):
    rc = ivs.create_recording_configuration(name='rec', destinationConfiguration={'s3': {'bucketName': 'my-bucket'}},
                                            recordingReconnectWindowSeconds=30, tags={'x': 'y'})['recordingConfiguration']
    assert rc['state'] == 'ACTIVE' and rc['thumbnailConfiguration']['recordingMode'] == 'INTERVAL'
    assert rc['renditionConfiguration']['renditionSelection'] == 'ALL' and rc['recordingReconnectWindowSeconds'] == 30
    assert ivs.get_recording_configuration(arn=rc['arn'])['recordingConfiguration'] == rc
    fails(lambda: ivs.create_recording_configuration(destinationConfiguration={'s3': {'bucketName': 'b-b'}},
                                                     renditionConfiguration={'renditionSelection': 'CUSTOM'}),
          'ValidationException')
    listed = ivs.list_recording_configurations()['recordingConfigurations']
    assert [r['arn'] for r in listed] == [rc['arn']] and 'thumbnailConfiguration' not in listed[0]
    ch = ivs.create_channel(recordingConfigurationArn=rc['arn'])['channel']
    assert ivs.list_channels(filterByRecordingConfigurationArn=rc['arn'])['channels'][0]['arn'] == ch['arn']
    fails(lambda: ivs.delete_recording_configuration(arn=rc['arn']), 'ConflictException')
    ivs.update_channel(arn=ch['arn'], recordingConfigurationArn='')
    ivs.tag_resource(resourceArn=rc['arn'], tags={'z': '1'})
    ivs.delete_recording_configuration(arn=rc['arn'])
    fails(lambda: ivs.get_recording_configuration(arn=rc['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.delete_recording_configuration(arn=rc['arn']), 'ResourceNotFoundException')


def test_playback_restriction_policies(ivs):
    policy = ivs.create_playback_restriction_policy(allowedCountries=['US', 'CA'], allowedOrigins=['https://a.example'],
                                                    name='p', tags={'t': '1'})['playbackRestrictionPolicy']
    assert policy['enableStrictOriginEnforcement'] is False and policy['allowedCountries'] == ['US', 'CA']
    assert ivs.get_playback_restriction_policy(arn=policy['arn'])['playbackRestrictionPolicy'] == policy
    updated = ivs.update_playback_restriction_policy(arn=policy['arn'], enableStrictOriginEnforcement=True,
                                                     allowedCountries=['DE'])['playbackRestrictionPolicy']
    assert updated['allowedCountries'] == ['DE'] and updated['enableStrictOriginEnforcement'] is True
    assert updated['allowedOrigins'] == ['https://a.example'] and updated['tags'] == {'t': '1'}
    default = ivs.create_playback_restriction_policy()['playbackRestrictionPolicy']
    assert default['allowedCountries'] == ['*'] and default['allowedOrigins'] == ['*']
    listed = ivs.list_playback_restriction_policies(maxResults=1)
    assert len(listed['playbackRestrictionPolicies']) == 1 and listed['nextToken']
    ch = ivs.create_channel(playbackRestrictionPolicyArn=policy['arn'])['channel']
    assert ivs.list_channels(filterByPlaybackRestrictionPolicyArn=policy['arn'])['channels'][0]['arn'] == ch['arn']
    fails(lambda: ivs.delete_playback_restriction_policy(arn=policy['arn']), 'ConflictException')
    ivs.delete_channel(arn=ch['arn'])
    ivs.delete_playback_restriction_policy(arn=policy['arn'])
    fails(lambda: ivs.get_playback_restriction_policy(arn=policy['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.update_playback_restriction_policy(arn=policy['arn'], name='x'), 'ResourceNotFoundException')


def test_ad_configurations(ivs):
    mt = [{'playbackConfigurationArn': f'arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/pc1'}]
    ad = ivs.create_ad_configuration(name='ads', mediaTailorPlaybackConfigurations=mt, tags={'a': 'b'})['adConfiguration']
    assert ad['mediaTailorPlaybackConfigurations'] == mt and ad['tags'] == {'a': 'b'}
    assert ivs.get_ad_configuration(arn=ad['arn'])['adConfiguration'] == ad
    assert [a['arn'] for a in ivs.list_ad_configurations()['adConfigurations']] == [ad['arn']]
    ch = ivs.create_channel(adConfigurationArn=ad['arn'])['channel']
    assert ivs.list_channels(filterByAdConfigurationArn=ad['arn'])['channels'][0]['arn'] == ch['arn']
    fails(lambda: ivs.delete_ad_configuration(arn=ad['arn']), 'ConflictException')
    ivs.update_channel(arn=ch['arn'], adConfigurationArn='')
    ivs.delete_ad_configuration(arn=ad['arn'])
    fails(lambda: ivs.get_ad_configuration(arn=ad['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.delete_ad_configuration(arn=ad['arn']), 'ResourceNotFoundException')


def test_update_ad_configuration_and_post_roll(ivs):
    mt = [{'playbackConfigurationArn': f'arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/pc1'}]
    mt2 = mt + [{'playbackConfigurationArn': f'arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/pc2'}]
    ad = ivs.create_ad_configuration(name='ads', mediaTailorPlaybackConfigurations=mt, tags={'a': 'b'})['adConfiguration']
    # the API reference's default: post-roll disabled, 15 seconds
    assert ad['postRollConfiguration'] == {'enabled': False, 'durationSeconds': 15}
    with_post_roll = ivs.create_ad_configuration(mediaTailorPlaybackConfigurations=mt,
                                                 postRollConfiguration={'enabled': True, 'durationSeconds': 45})
    assert with_post_roll['adConfiguration']['postRollConfiguration'] == {'enabled': True, 'durationSeconds': 45}

    updated = ivs.update_ad_configuration(arn=ad['arn'], postRollConfiguration={'enabled': True, 'durationSeconds': 30})
    assert updated['adConfiguration'] == {**ad, 'postRollConfiguration': {'enabled': True, 'durationSeconds': 30}}
    updated = ivs.update_ad_configuration(arn=ad['arn'], name='renamed', mediaTailorPlaybackConfigurations=mt2)
    assert (updated['adConfiguration']['name'], updated['adConfiguration']['mediaTailorPlaybackConfigurations']) == \
        ('renamed', mt2)
    assert updated['adConfiguration']['postRollConfiguration']['durationSeconds'] == 30  # kept
    assert updated['adConfiguration']['tags'] == {'a': 'b'}
    assert ivs.get_ad_configuration(arn=ad['arn'])['adConfiguration'] == updated['adConfiguration']
    summaries = ivs.list_ad_configurations()['adConfigurations']
    assert [s['postRollConfiguration']['enabled'] for s in summaries] == [True, True]

    # a channel using it may keep using it while it changes
    ch = ivs.create_channel(adConfigurationArn=ad['arn'])['channel']
    ivs.update_ad_configuration(arn=ad['arn'], name='in-use')
    assert ivs.get_channel(arn=ch['arn'])['channel']['adConfigurationArn'] == ad['arn']

    # the model's ranges, checked by the service (botocore checks minimums only)
    fails(lambda: ivs.update_ad_configuration(arn=ad['arn'], postRollConfiguration={'enabled': True, 'durationSeconds': 301}),
          'ValidationException')
    fails(lambda: ivs.update_ad_configuration(arn=ad['arn'], mediaTailorPlaybackConfigurations=mt2 * 2),
          'ValidationException')
    fails(lambda: ivs.update_ad_configuration(arn=ad['arn'], name='not valid!'), 'ValidationException')
    missing = f'arn:aws:ivs:{REGION}:{ACCOUNT}:ad-configuration/missingAd123'
    fails(lambda: ivs.update_ad_configuration(arn=missing, name='x'), 'ResourceNotFoundException')
    assert ivs.get_ad_configuration(arn=ad['arn'])['adConfiguration']['name'] == 'in-use'  # failures changed nothing


# -- failover slate configurations -----------------------------------------------------------------

def test_failover_slate_configurations(ivs):
    slate = ivs.create_failover_slate_configuration(name='slate', tags={'t': '1'})['failoverSlateConfiguration']
    assert re.fullmatch(rf'arn:aws:ivs:{REGION}:{ACCOUNT}:failover-slate-configuration/[a-zA-Z0-9]{{12}}', slate['arn'])
    # the API reference's defaults
    assert slate == {'arn': slate['arn'], 'name': 'slate', 'activationThresholdSeconds': 3, 'minSlateDisplaySeconds': 3,
                     'maxSlateDisplaySeconds': 60, 'state': 'CREATED', 'tags': {'t': '1'}}
    assert ivs.get_failover_slate_configuration(arn=slate['arn'])['failoverSlateConfiguration'] == slate
    other = ivs.create_failover_slate_configuration(activationThresholdSeconds=5, minSlateDisplaySeconds=10,
                                                    maxSlateDisplaySeconds=180)['failoverSlateConfiguration']
    assert (other['name'], other['activationThresholdSeconds'], other['minSlateDisplaySeconds'],
            other['maxSlateDisplaySeconds']) == ('', 5, 10, 180)

    updated = ivs.update_failover_slate_configuration(arn=slate['arn'], name='renamed',
                                                      maxSlateDisplaySeconds=120)['failoverSlateConfiguration']
    assert updated == {**slate, 'name': 'renamed', 'maxSlateDisplaySeconds': 120}

    page = ivs.list_failover_slate_configurations(maxResults=1)
    assert [s['arn'] for s in page['failoverSlateConfigurations']] == [slate['arn']] and page['nextToken']
    rest = ivs.list_failover_slate_configurations(nextToken=page['nextToken'])
    assert [s['arn'] for s in rest['failoverSlateConfigurations']] == [other['arn']] and 'nextToken' not in rest
    full = ivs.get_paginator('list_failover_slate_configurations').paginate(
        PaginationConfig={'PageSize': 1}).build_full_result()
    assert [s['arn'] for s in full['failoverSlateConfigurations']] == [slate['arn'], other['arn']]

    ivs.tag_resource(resourceArn=slate['arn'], tags={'u': '2'})
    ivs.untag_resource(resourceArn=slate['arn'], tagKeys=['t'])
    assert ivs.list_tags_for_resource(resourceArn=slate['arn'])['tags'] == {'u': '2'}

    # the model's ranges, checked by the service (botocore checks minimums only)
    for bad in ({'activationThresholdSeconds': 6}, {'minSlateDisplaySeconds': 11}, {'maxSlateDisplaySeconds': 181}):
        fails(lambda: ivs.create_failover_slate_configuration(**bad), 'ValidationException')
        fails(lambda: ivs.update_failover_slate_configuration(arn=slate['arn'], **bad), 'ValidationException')
    fails(lambda: ivs.create_failover_slate_configuration(tags={f'k{i}': 'v' for i in range(51)}), 'ValidationException')
    assert len(ivs.list_failover_slate_configurations()['failoverSlateConfigurations']) == 2

    ivs.delete_failover_slate_configuration(arn=other['arn'])
    for call in (ivs.get_failover_slate_configuration, ivs.delete_failover_slate_configuration):
        fails(lambda: call(arn=other['arn']), 'ResourceNotFoundException')
    fails(lambda: ivs.update_failover_slate_configuration(arn=other['arn'], name='x'), 'ResourceNotFoundException')
    fails(lambda: ivs.list_tags_for_resource(resourceArn=other['arn']), 'ResourceNotFoundException')


def test_channels_use_failover_slates(ivs):
    slate = ivs.create_failover_slate_configuration(name='s')['failoverSlateConfiguration']['arn']
    ch = ivs.create_channel(name='with-slate', failoverSlateConfigurationArn=slate)['channel']
    assert ch['failoverSlateConfigurationArn'] == slate
    plain = ivs.create_channel(name='without')['channel']
    assert plain['failoverSlateConfigurationArn'] == ''  # "" is no failover slate (API reference)
    listed = ivs.list_channels(filterByFailoverSlateConfigurationArn=slate)['channels']
    assert [(c['arn'], c['failoverSlateConfigurationArn']) for c in listed] == [(ch['arn'], slate)]
    fails(lambda: ivs.list_channels(filterByFailoverSlateConfigurationArn=slate, filterByName='s'), 'ConflictException')

    missing = f'arn:aws:ivs:{REGION}:{ACCOUNT}:failover-slate-configuration/missingSlat1'
    fails(lambda: ivs.create_channel(failoverSlateConfigurationArn=missing), 'ResourceNotFoundException')
    fails(lambda: ivs.update_channel(arn=plain['arn'], failoverSlateConfigurationArn=missing), 'ResourceNotFoundException')
    fails(lambda: ivs.create_channel(failoverSlateConfigurationArn='arn:aws:ivs:x:1:channel/abc'), 'ValidationException')

    fails(lambda: ivs.delete_failover_slate_configuration(arn=slate), 'ConflictException')
    ivs.update_channel(arn=ch['arn'], failoverSlateConfigurationArn='')
    assert ivs.list_channels(filterByFailoverSlateConfigurationArn=slate)['channels'] == []
    ivs.delete_failover_slate_configuration(arn=slate)


# -- streams and stream sessions (live state through the control API) ------------------------------

def test_stream_lifecycle(ivs, control):
    mt = [{'playbackConfigurationArn': f'arn:aws:mediatailor:{REGION}:{ACCOUNT}:playbackConfiguration/pc1'}]
    ad = ivs.create_ad_configuration(mediaTailorPlaybackConfigurations=mt)['adConfiguration']['arn']
    rc = ivs.create_recording_configuration(destinationConfiguration={'s3': {'bucketName': 'rec-bucket'}})
    ch = ivs.create_channel(name='live', adConfigurationArn=ad,
                            recordingConfigurationArn=rc['recordingConfiguration']['arn'])['channel']
    arn = ch['arn']
    fails(lambda: ivs.get_stream(channelArn=arn), 'ChannelNotBroadcasting')
    fails(lambda: ivs.put_metadata(channelArn=arn, metadata='x'), 'ChannelNotBroadcasting')
    fails(lambda: ivs.stop_stream(channelArn=arn), 'ChannelNotBroadcasting')
    fails(lambda: ivs.insert_ad_break(channelArn=arn, durationSeconds=30), 'ChannelNotBroadcasting')
    fails(lambda: ivs.get_stream_session(channelArn=arn), 'ResourceNotFoundException')
    assert ivs.list_streams()['streams'] == []

    started = control.post('streams/start', {'channelArn': arn, 'viewerCount': 42, 'health': 'STARVING'})['stream']
    stream = ivs.get_stream(channelArn=arn)['stream']
    assert stream['streamId'] == started['streamId'] and re.fullmatch(r'st-[a-zA-Z0-9]{23}', stream['streamId'])
    assert (stream['state'], stream['health'], stream['viewerCount']) == ('LIVE', 'STARVING', 42)
    assert stream['playbackUrl'] == ch['playbackUrl']
    assert [s['channelArn'] for s in ivs.list_streams()['streams']] == [arn]
    assert ivs.list_streams(filterBy={'health': 'HEALTHY'})['streams'] == []
    assert ivs.list_streams(filterBy={'health': 'STARVING'})['streams'][0]['viewerCount'] == 42

    ivs.put_metadata(channelArn=arn, metadata='{"question": 1}')
    fails(lambda: ivs.put_metadata(channelArn=arn, metadata='x' * 1025), 'ValidationException')
    first = ivs.insert_ad_break(channelArn=arn, durationSeconds=30)
    assert re.fullmatch(r'[a-zA-Z0-9]{12}', first['adBreakId']) and isinstance(first['targetStartAt'], datetime.datetime)
    at = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    mine = ivs.insert_ad_break(channelArn=arn, durationSeconds=60, adBreakId='myBreak00001', targetStartAt=at)
    assert (mine['adBreakId'], mine['targetStartAt']) == ('myBreak00001', at)
    fails(lambda: ivs.insert_ad_break(channelArn=arn, durationSeconds=5, adBreakId='myBreak00001'), 'ConflictException')
    fails(lambda: ivs.insert_ad_break(channelArn=arn, durationSeconds=5, adBreakId='not_alnum_12'), 'ValidationException')
    fails(lambda: ivs.update_channel(arn=arn, name='x'), 'ConflictException')
    fails(lambda: ivs.delete_channel(arn=arn), 'ConflictException')
    activity = control.get('streams/activity', channelArn=arn)
    assert [m['metadata'] for m in activity['metadata']] == ['{"question": 1}']
    assert [(b['adBreakId'], b['durationSeconds'], b['streamId']) for b in activity['adBreaks']] == \
        [(first['adBreakId'], 30, stream['streamId']), ('myBreak00001', 60, stream['streamId'])]
    assert activity['adBreaks'][1]['targetStartAt'].startswith('2030-01-02T03:04:05')

    session = ivs.get_stream_session(channelArn=arn)['streamSession']
    assert session['streamId'] == stream['streamId'] and 'endTime' not in session
    assert session['channel']['arn'] == arn and session['recordingConfiguration']['arn'] == rc['recordingConfiguration']['arn']
    assert session['ingestConfiguration']['video']['videoWidth'] == 1920
    assert [e['name'] for e in session['truncatedEvents']] == ['Session Created', 'Stream Start']

    ivs.stop_stream(channelArn=arn)
    fails(lambda: ivs.get_stream(channelArn=arn), 'ChannelNotBroadcasting')
    ended = ivs.get_stream_session(channelArn=arn, streamId=stream['streamId'])['streamSession']
    assert ended['endTime'] >= ended['startTime']
    assert [e['name'] for e in ended['truncatedEvents']][-2:] == ['Stream End', 'Session Ended']

    second = control.post('streams/start', {'channelArn': arn})['stream']['streamId']
    control.post('streams/stop', {'channelArn': arn})
    assert control.call('POST', 'streams/stop', {'channelArn': arn})[0] == 404
    sessions = ivs.list_stream_sessions(channelArn=arn, maxResults=1)
    assert [s['streamId'] for s in sessions['streamSessions']] == [second]
    older = ivs.list_stream_sessions(channelArn=arn, nextToken=sessions['nextToken'])['streamSessions']
    assert [s['streamId'] for s in older] == [stream['streamId']] and older[0]['hasErrorEvent'] is False
    fails(lambda: ivs.get_stream_session(channelArn=arn, streamId='st-' + 'x' * 23), 'ResourceNotFoundException')
    fails(lambda: ivs.list_stream_sessions(channelArn=MISSING), 'ResourceNotFoundException')
    assert control.call('POST', 'streams/start', {'channelArn': MISSING})[0] == 404


def test_stream_session_keeps_the_failover_slate_it_went_live_with(ivs, control):
    slate = ivs.create_failover_slate_configuration(name='at-start', maxSlateDisplaySeconds=90)['failoverSlateConfiguration']
    arn = ivs.create_channel(failoverSlateConfigurationArn=slate['arn'])['channel']['arn']
    plain = ivs.create_channel()['channel']['arn']
    control.post('streams/start', {'channelArn': arn})
    control.post('streams/start', {'channelArn': plain})
    ivs.update_failover_slate_configuration(arn=slate['arn'], name='later', maxSlateDisplaySeconds=180)
    session = ivs.get_stream_session(channelArn=arn)['streamSession']
    assert session['failoverSlateConfiguration'] == slate  # its properties at the time of going live
    assert session['channel']['failoverSlateConfigurationArn'] == slate['arn']
    assert 'failoverSlateConfiguration' not in ivs.get_stream_session(channelArn=plain)['streamSession']
    fails(lambda: ivs.update_channel(arn=arn, failoverSlateConfigurationArn=''), 'ConflictException')  # live
    control.post('streams/stop', {'channelArn': arn})
    control.post('streams/start', {'channelArn': arn})
    again = ivs.get_stream_session(channelArn=arn)['streamSession']['failoverSlateConfiguration']
    assert (again['name'], again['maxSlateDisplaySeconds']) == ('later', 180)


def test_viewer_session_revocation(ivs, control):
    arn = ivs.create_channel(authorized=True)['channel']['arn']
    ivs.start_viewer_session_revocation(channelArn=arn, viewerId='viewer-1', viewerSessionVersionsLessThanOrEqualTo=2)
    fails(lambda: ivs.start_viewer_session_revocation(channelArn=MISSING, viewerId='v'), 'ResourceNotFoundException')
    result = ivs.batch_start_viewer_session_revocation(viewerSessions=[
        {'channelArn': arn, 'viewerId': 'viewer-2'}, {'channelArn': MISSING, 'viewerId': 'viewer-3'}])
    assert [(e['channelArn'], e['viewerId'], e['code']) for e in result['errors']] == \
        [(MISSING, 'viewer-3', 'ResourceNotFoundException')]
    revoked = control.get('streams/activity', channelArn=arn)['revocations']
    assert [r['viewerId'] for r in revoked] == ['viewer-1', 'viewer-2']


def test_resource_quota_is_enforced(ivs):
    # The channel quota (5,000) is too many to create here; the same path serves every quota, so
    # exercise it on recording configurations (20).
    for i in range(20):
        ivs.create_recording_configuration(destinationConfiguration={'s3': {'bucketName': f'bucket-{i}'}})
    fails(lambda: ivs.create_recording_configuration(destinationConfiguration={'s3': {'bucketName': 'one-more'}}),
          'ServiceQuotaExceededException')
    pages = ivs.get_paginator('list_recording_configurations').paginate(PaginationConfig={'PageSize': 7})
    assert len(pages.build_full_result()['recordingConfigurations']) == 20


def test_every_operation_was_exercised():
    assert CALLED == set(MODEL['operations'])
