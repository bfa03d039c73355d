"""Amazon IVS low-latency streaming: channels, stream keys, playback key pairs, recording
configurations, playback restriction policies, ad configurations, streams and their sessions."""
from __future__ import annotations

import base64
import copy
import hashlib

from ..common import (Context, ServiceError, conflict, new_id, not_found, paginate, parse_arn, quota, set_tags,
                      tag_ops, validation)

# Resource quotas per account and region, from the IVS low-latency service-quotas page.
QUOTAS = {'channels': 5000, 'keyPairs': 3, 'recordingConfigurations': 20, 'streamKeysPerChannel': 1,
          'playbackRestrictionPolicies': 500, 'adConfigurations': 100}

# ARN resource type -> state table
TABLES = {'channel': 'channels', 'stream-key': 'streamKeys', 'playback-key': 'keyPairs',
          'recording-configuration': 'recordingConfigurations',
          'playback-restriction-policy': 'playbackRestrictionPolicies', 'ad-configuration': 'adConfigurations'}


def _table(ctx, name: str) -> dict:
    return ctx.state.setdefault(name, {})


def _get(ctx, table: str, arn: str) -> dict:
    item = _table(ctx, table).get(arn)
    if item is None:
        raise not_found(ctx, arn)
    return item


def _with_tags(ctx, item: dict) -> dict:
    """A resource as output; the server keeps only the members the output shape has, so the
    same view serves the full and the summary shapes."""
    out = {k: copy.deepcopy(v) for k, v in item.items() if not k.startswith('_')}
    out['tags'] = dict(ctx.tags.get(item['arn'], {}))
    return out


def _create(ctx, table: str, rtype: str, fields: dict, tags, quota_key: str | None = None) -> dict:
    items = _table(ctx, table)
    if quota_key and len(items) >= QUOTAS[quota_key]:
        raise quota(ctx, f'Maximum number of {table} ({QUOTAS[quota_key]}) reached for this account and region')
    arn = ctx.arn(rtype, new_id())
    set_tags(ctx, arn, tags)
    items[arn] = {'arn': arn, **fields}
    return items[arn]


def _delete(ctx, table: str, arn: str) -> dict:
    item = _get(ctx, table, arn)
    del _table(ctx, table)[arn]
    ctx.tags.pop(arn, None)
    return item


def _check_ref(ctx, table: str, arn: str | None):
    """A channel's reference to another resource: '' clears it; otherwise it must exist."""
    if arn:
        _get(ctx, table, arn)


def _page(ctx, params, items, key, default_max=100, view=None):
    page, token = paginate(ctx, items, params, default_max=default_max)
    out = {key: [view(i) if view else _with_tags(ctx, i) for i in page]}
    if token:
        out['nextToken'] = token
    return out


# -- channels --------------------------------------------------------------------------------

def _channel_rules(ctx, ch: dict):
    if ch.get('preset') and not ch['type'].startswith('ADVANCED'):
        raise validation(ctx, 'preset is allowed only for ADVANCED_SD and ADVANCED_HD channels')
    if ch['type'].startswith('ADVANCED') and not ch.get('preset'):
        ch['preset'] = 'HIGHER_BANDWIDTH_DELIVERY'
    if ch['multitrackInputConfiguration']['enabled']:
        if ch['type'] != 'STANDARD':
            raise validation(ctx, 'multitrack input requires a STANDARD channel')
        if ch['containerFormat'] != 'FRAGMENTED_MP4':
            raise validation(ctx, 'multitrack input requires containerFormat FRAGMENTED_MP4')
    _check_ref(ctx, 'recordingConfigurations', ch['recordingConfigurationArn'])
    _check_ref(ctx, 'playbackRestrictionPolicies', ch['playbackRestrictionPolicyArn'])
    _check_ref(ctx, 'adConfigurations', ch['adConfigurationArn'])


CHANNEL_SETTINGS = ('name', 'latencyMode', 'type', 'authorized', 'recordingConfigurationArn', 'insecureIngest',
                    'preset', 'playbackRestrictionPolicyArn', 'containerFormat', 'adConfigurationArn')


def create_channel(ctx, p):
    channels = _table(ctx, 'channels')
    if len(channels) >= QUOTAS['channels']:
        raise quota(ctx, f'Maximum number of channels ({QUOTAS["channels"]}) reached')
    cid = new_id()
    ingest = new_id(12).lower()
    ch = {'name': '', 'latencyMode': 'LOW', 'type': 'STANDARD', 'authorized': False, 'recordingConfigurationArn': '',
          'insecureIngest': False, 'preset': '', 'playbackRestrictionPolicyArn': '', 'containerFormat': 'TS',
          'adConfigurationArn': '',
          'multitrackInputConfiguration': {'enabled': False, 'policy': 'ALLOW', 'maximumResolution': 'FULL_HD'}}
    ch.update({k: p[k] for k in CHANNEL_SETTINGS if k in p})
    ch['multitrackInputConfiguration'].update(p.get('multitrackInputConfiguration', {}))
    _channel_rules(ctx, ch)
    arn = ctx.arn('channel', cid)
    ch.update({'arn': arn, 'ingestEndpoint': f'{ingest}.global-contribute.live-video.net',
               'playbackUrl': f'https://{ingest}.{ctx.region}.playback.live-video.net/api/video/v1/'
                              f'{ctx.region}.{ctx.account}.channel.{cid}.m3u8',
               'srt': {'endpoint': f'{ingest}.srt.live-video.net', 'passphrase': new_id(32)},
               '_sessions': [], '_stream': None, '_metadata': [], '_revocations': []})
    set_tags(ctx, arn, p.get('tags'))
    key_arn = ctx.arn('stream-key', new_id())
    set_tags(ctx, key_arn, p.get('tags'))
    channels[arn] = ch
    _table(ctx, 'streamKeys')[key_arn] = {'arn': key_arn, 'channelArn': arn, 'value': _stream_key_value(ctx)}
    return {'channel': _with_tags(ctx, ch), 'streamKey': _with_tags(ctx, _table(ctx, 'streamKeys')[key_arn])}


def _stream_key_value(ctx) -> str:
    return f'sk_{ctx.region}_{new_id(32)}'


def get_channel(ctx, p):
    return {'channel': _with_tags(ctx, _get(ctx, 'channels', p['arn']))}


def _batch_get(ctx, table: str, what: str, arns: list) -> tuple[list, list]:
    """(found resources, errors for the rest), each ARN once, in the order asked."""
    found, errors = [], []
    for arn in dict.fromkeys(arns):
        item = _table(ctx, table).get(arn)
        if item:
            found.append(_with_tags(ctx, item))
        else:
            errors.append({'arn': arn, 'code': 'ResourceNotFoundException', 'message': f'{what} {arn} not found'})
    return found, errors


def batch_get_channel(ctx, p):
    found, errors = _batch_get(ctx, 'channels', 'Channel', p['arns'])
    return {'channels': found, 'errors': errors}


def list_channels(ctx, p):
    filters = {'filterByName': 'name', 'filterByRecordingConfigurationArn': 'recordingConfigurationArn',
               'filterByPlaybackRestrictionPolicyArn': 'playbackRestrictionPolicyArn',
               'filterByAdConfigurationArn': 'adConfigurationArn'}
    given = [(field, p[f]) for f, field in filters.items() if p.get(f)]
    if len(given) > 1:
        raise conflict(ctx, 'Only one filterBy parameter can be used at a time')
    items = [c for c in _table(ctx, 'channels').values() if all(c[k] == v for k, v in given)]
    return _page(ctx, p, items, 'channels')


def update_channel(ctx, p):
    ch = _get(ctx, 'channels', p['arn'])
    if ch['_stream']:
        raise conflict(ctx, 'Channel is live; stop the stream before updating it')
    updated = copy.deepcopy({k: v for k, v in ch.items() if not k.startswith('_')})
    updated.update({k: p[k] for k in CHANNEL_SETTINGS if k in p})
    if 'type' in p and not p['type'].startswith('ADVANCED') and 'preset' not in p:
        updated['preset'] = ''
    updated['multitrackInputConfiguration'].update(p.get('multitrackInputConfiguration', {}))
    _channel_rules(ctx, updated)
    ch.update(updated)
    return {'channel': _with_tags(ctx, ch)}


def delete_channel(ctx, p):
    ch = _get(ctx, 'channels', p['arn'])
    if ch['_stream']:
        raise conflict(ctx, 'Unable to delete a channel that is live')
    for key in [k for k in _table(ctx, 'streamKeys').values() if k['channelArn'] == ch['arn']]:
        _delete(ctx, 'streamKeys', key['arn'])
    _delete(ctx, 'channels', ch['arn'])
    return {}


# -- stream keys -----------------------------------------------------------------------------

def create_stream_key(ctx, p):
    ch = _get(ctx, 'channels', p['channelArn'])
    if sum(k['channelArn'] == ch['arn'] for k in _table(ctx, 'streamKeys').values()) >= QUOTAS['streamKeysPerChannel']:
        raise quota(ctx, f'Maximum number of stream keys per channel ({QUOTAS["streamKeysPerChannel"]}) reached')
    key = _create(ctx, 'streamKeys', 'stream-key', {'channelArn': ch['arn'], 'value': _stream_key_value(ctx)}, p.get('tags'))
    return {'streamKey': _with_tags(ctx, key)}


def get_stream_key(ctx, p):
    return {'streamKey': _with_tags(ctx, _get(ctx, 'streamKeys', p['arn']))}


def batch_get_stream_key(ctx, p):
    found, errors = _batch_get(ctx, 'streamKeys', 'Stream key', p['arns'])
    return {'streamKeys': found, 'errors': errors}


def list_stream_keys(ctx, p):
    ch = _get(ctx, 'channels', p['channelArn'])
    items = [k for k in _table(ctx, 'streamKeys').values() if k['channelArn'] == ch['arn']]
    return _page(ctx, p, items, 'streamKeys', default_max=1)


def delete_stream_key(ctx, p):
    _delete(ctx, 'streamKeys', p['arn'])
    return {}


# -- playback key pairs ----------------------------------------------------------------------

# NIST P-384 (secp384r1), for checking that an imported public key is a point on the curve.
_P384_P = 2 ** 384 - 2 ** 128 - 2 ** 96 + 2 ** 32 - 1
_P384_B = int('b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875a'
              'c656398d8a2ed19d2a85c8edd3ec2aef', 16)
_P384_SPKI_PREFIX = bytes.fromhex('3076301006072a8648ce3d020106052b81040022036200')


def p384_public_key_der(pem: str) -> bytes | None:
    """The DER SubjectPublicKeyInfo of a PEM P-384 public key, or None if it is not one."""
    text = pem.strip()
    begin, end = '-----BEGIN PUBLIC KEY-----', '-----END PUBLIC KEY-----'
    if not (text.startswith(begin) and text.endswith(end)):
        return None
    try:
        der = base64.b64decode(''.join(text[len(begin):-len(end)].split()), validate=True)
    except ValueError:
        return None
    if len(der) != 120 or not der.startswith(_P384_SPKI_PREFIX) or der[23] != 4:
        return None
    x, y = int.from_bytes(der[24:72], 'big'), int.from_bytes(der[72:120], 'big')
    if not (x < _P384_P and y < _P384_P) or (y * y - (x ** 3 - 3 * x + _P384_B)) % _P384_P:
        return None
    return der


def fingerprint(der: bytes) -> str:
    return ':'.join(f'{b:02x}' for b in hashlib.sha256(der).digest())


def import_playback_key_pair(ctx, p):
    der = p384_public_key_der(p['publicKeyMaterial'])
    if der is None:
        raise validation(ctx, 'publicKeyMaterial must be a PEM-encoded ECDSA P-384 public key')
    fp = fingerprint(der)
    if any(k['fingerprint'] == fp for k in _table(ctx, 'keyPairs').values()):
        raise conflict(ctx, 'A playback key pair with this public key already exists')
    kp = _create(ctx, 'keyPairs', 'playback-key', {'name': p.get('name', ''), 'fingerprint': fp}, p.get('tags'),
                 'keyPairs')
    return {'keyPair': _with_tags(ctx, kp)}


def get_playback_key_pair(ctx, p):
    return {'keyPair': _with_tags(ctx, _get(ctx, 'keyPairs', p['arn']))}


def list_playback_key_pairs(ctx, p):
    return _page(ctx, p, list(_table(ctx, 'keyPairs').values()), 'keyPairs')


def delete_playback_key_pair(ctx, p):
    _delete(ctx, 'keyPairs', p['arn'])
    return {}


# -- recording configurations ----------------------------------------------------------------

def create_recording_configuration(ctx, p):
    fields = {'name': p.get('name', ''), 'destinationConfiguration': p['destinationConfiguration'], 'state': 'ACTIVE',
              'thumbnailConfiguration': {'recordingMode': 'INTERVAL', 'targetIntervalSeconds': 60,
                                         'storage': ['SEQUENTIAL'], **p.get('thumbnailConfiguration', {})},
              'recordingReconnectWindowSeconds': p.get('recordingReconnectWindowSeconds', 0),
              'renditionConfiguration': {'renditionSelection': 'ALL', **p.get('renditionConfiguration', {})}}
    if 's3' not in fields['destinationConfiguration']:
        raise validation(ctx, 'destinationConfiguration must name an S3 bucket')
    rendition = fields['renditionConfiguration']
    if rendition['renditionSelection'] == 'CUSTOM' and not rendition.get('renditions'):
        raise validation(ctx, 'renditions are required when renditionSelection is CUSTOM')
    rc = _create(ctx, 'recordingConfigurations', 'recording-configuration', fields, p.get('tags'),
                 'recordingConfigurations')
    return {'recordingConfiguration': _with_tags(ctx, rc)}


def get_recording_configuration(ctx, p):
    return {'recordingConfiguration': _with_tags(ctx, _get(ctx, 'recordingConfigurations', p['arn']))}


def list_recording_configurations(ctx, p):
    return _page(ctx, p, list(_table(ctx, 'recordingConfigurations').values()), 'recordingConfigurations')


def _in_use(ctx, field: str, arn: str, what: str):
    if any(c[field] == arn for c in _table(ctx, 'channels').values()):
        raise conflict(ctx, f'{what} {arn} is in use by a channel')


def delete_recording_configuration(ctx, p):
    _get(ctx, 'recordingConfigurations', p['arn'])
    _in_use(ctx, 'recordingConfigurationArn', p['arn'], 'Recording configuration')
    _delete(ctx, 'recordingConfigurations', p['arn'])
    return {}


# -- playback restriction policies -----------------------------------------------------------

def create_playback_restriction_policy(ctx, p):
    fields = {'allowedCountries': p.get('allowedCountries', ['*']), 'allowedOrigins': p.get('allowedOrigins', ['*']),
              'enableStrictOriginEnforcement': p.get('enableStrictOriginEnforcement', False), 'name': p.get('name', '')}
    policy = _create(ctx, 'playbackRestrictionPolicies', 'playback-restriction-policy', fields, p.get('tags'),
                     'playbackRestrictionPolicies')
    return {'playbackRestrictionPolicy': _with_tags(ctx, policy)}


def get_playback_restriction_policy(ctx, p):
    return {'playbackRestrictionPolicy': _with_tags(ctx, _get(ctx, 'playbackRestrictionPolicies', p['arn']))}


def update_playback_restriction_policy(ctx, p):
    policy = _get(ctx, 'playbackRestrictionPolicies', p['arn'])
    for k in ('allowedCountries', 'allowedOrigins', 'enableStrictOriginEnforcement', 'name'):
        if k in p:
            policy[k] = p[k]
    return {'playbackRestrictionPolicy': _with_tags(ctx, policy)}


def list_playback_restriction_policies(ctx, p):
    return _page(ctx, p, list(_table(ctx, 'playbackRestrictionPolicies').values()), 'playbackRestrictionPolicies')


def delete_playback_restriction_policy(ctx, p):
    _get(ctx, 'playbackRestrictionPolicies', p['arn'])
    _in_use(ctx, 'playbackRestrictionPolicyArn', p['arn'], 'Playback restriction policy')
    _delete(ctx, 'playbackRestrictionPolicies', p['arn'])
    return {}


# -- ad configurations -----------------------------------------------------------------------

def create_ad_configuration(ctx, p):
    fields = {'name': p.get('name', ''), 'mediaTailorPlaybackConfigurations': p['mediaTailorPlaybackConfigurations']}
    ad = _create(ctx, 'adConfigurations', 'ad-configuration', fields, p.get('tags'), 'adConfigurations')
    return {'adConfiguration': _with_tags(ctx, ad)}


def get_ad_configuration(ctx, p):
    return {'adConfiguration': _with_tags(ctx, _get(ctx, 'adConfigurations', p['arn']))}


def list_ad_configurations(ctx, p):
    return _page(ctx, p, list(_table(ctx, 'adConfigurations').values()), 'adConfigurations')


def delete_ad_configuration(ctx, p):
    _get(ctx, 'adConfigurations', p['arn'])
    _in_use(ctx, 'adConfigurationArn', p['arn'], 'Ad configuration')
    _delete(ctx, 'adConfigurations', p['arn'])
    return {}


# -- streams ---------------------------------------------------------------------------------

def _not_broadcasting(ctx, arn: str) -> ServiceError:
    msg = f'Channel {arn} is not currently broadcasting'
    return ServiceError('ChannelNotBroadcasting', msg, exceptionMessage=msg)


def _live(ctx, arn: str) -> dict:
    ch = _get(ctx, 'channels', arn)
    if not ch['_stream']:
        raise _not_broadcasting(ctx, arn)
    return ch


def _stream_view(ch: dict) -> dict:
    s = ch['_stream']
    return {'channelArn': ch['arn'], 'streamId': s['streamId'], 'playbackUrl': ch['playbackUrl'],
            'startTime': s['startTime'], 'state': 'LIVE', 'health': s['health'], 'viewerCount': s['viewerCount']}


def get_stream(ctx, p):
    return {'stream': _stream_view(_live(ctx, p['channelArn']))}


def list_streams(ctx, p):
    live = [c for c in _table(ctx, 'channels').values() if c['_stream']]
    health = p.get('filterBy', {}).get('health')
    if health:
        live = [c for c in live if c['_stream']['health'] == health]
    return _page(ctx, p, live, 'streams', view=_stream_view)


def _end_stream(ch: dict, now, reason: str):
    session = ch['_stream']['session']
    session['endTime'] = now
    session['events'].append({'name': reason, 'type': 'IVS Stream State Change', 'eventTime': now})
    session['events'].append({'name': 'Session Ended', 'type': 'IVS Stream State Change', 'eventTime': now})
    ch['_stream'] = None


def stop_stream(ctx, p):
    ch = _live(ctx, p['channelArn'])
    _end_stream(ch, ctx.now(), 'Stream End')
    return {}


def put_metadata(ctx, p):
    ch = _live(ctx, p['channelArn'])
    if len(p['metadata'].encode()) > 1024:
        raise validation(ctx, 'metadata must be at most 1 KB')
    ch['_metadata'].append({'metadata': p['metadata'], 'time': ctx.now().isoformat()})
    return {}


def insert_ad_break(ctx, p):
    ch = _live(ctx, p['channelArn'])
    if not ch['adConfigurationArn']:
        raise conflict(ctx, 'The channel has no ad configuration')
    return {'adBreakId': new_id(12)}


def _session_for(ch: dict, stream_id: str | None) -> dict | None:
    sessions = ch['_sessions']
    if stream_id is None:
        return sessions[-1] if sessions else None
    return next((s for s in sessions if s['streamId'] == stream_id), None)


def get_stream_session(ctx, p):
    ch = _get(ctx, 'channels', p['channelArn'])
    session = _session_for(ch, p.get('streamId'))
    if session is None:
        raise not_found(ctx, p.get('streamId') or p['channelArn'])
    out = {'streamId': session['streamId'], 'startTime': session['startTime'], 'endTime': session.get('endTime'),
           'channel': _with_tags(ctx, ch), 'ingestConfiguration': session['ingest'],
           'ingestConfigurations': {'videoConfigurations': [session['ingest']['video']],
                                    'audioConfigurations': [session['ingest']['audio']]},
           'truncatedEvents': session['events'][-500:]}
    rc = _table(ctx, 'recordingConfigurations').get(ch['recordingConfigurationArn'])
    if rc:
        out['recordingConfiguration'] = _with_tags(ctx, rc)
    return {'streamSession': out}


def list_stream_sessions(ctx, p):
    ch = _get(ctx, 'channels', p['channelArn'])
    newest_first = list(reversed(ch['_sessions']))
    return _page(ctx, p, newest_first, 'streamSessions',
                 view=lambda s: {'streamId': s['streamId'], 'startTime': s['startTime'], 'endTime': s.get('endTime'),
                                 'hasErrorEvent': any(e.get('type') == 'IVS Stream Failure' for e in s['events'])})


# -- private channels ------------------------------------------------------------------------

def start_viewer_session_revocation(ctx, p):
    ch = _get(ctx, 'channels', p['channelArn'])
    ch['_revocations'].append({'viewerId': p['viewerId'],
                               'viewerSessionVersionsLessThanOrEqualTo': p.get('viewerSessionVersionsLessThanOrEqualTo', 0)})
    return {}


def batch_start_viewer_session_revocation(ctx, p):
    errors = []
    for session in p['viewerSessions']:
        ch = _table(ctx, 'channels').get(session['channelArn'])
        if ch is None:
            errors.append({'channelArn': session['channelArn'], 'viewerId': session['viewerId'],
                           'code': 'ResourceNotFoundException', 'message': f'Channel {session["channelArn"]} not found'})
            continue
        ch['_revocations'].append({'viewerId': session['viewerId'], 'viewerSessionVersionsLessThanOrEqualTo':
                                   session.get('viewerSessionVersionsLessThanOrEqualTo', 0)})
    return {'errors': errors}


# -- tags ------------------------------------------------------------------------------------

def _exists(ctx, arn: str) -> bool:
    try:
        table = TABLES.get(parse_arn(arn)['resourceType'])
    except ValueError:
        return False
    return table is not None and arn in _table(ctx, table)


def tags(ctx, p):
    return tag_ops(ctx, p, lambda arn: _exists(ctx, arn))


HANDLERS = {
    'CreateChannel': create_channel, 'GetChannel': get_channel, 'BatchGetChannel': batch_get_channel,
    'ListChannels': list_channels, 'UpdateChannel': update_channel, 'DeleteChannel': delete_channel,
    'CreateStreamKey': create_stream_key, 'GetStreamKey': get_stream_key, 'BatchGetStreamKey': batch_get_stream_key,
    'ListStreamKeys': list_stream_keys, 'DeleteStreamKey': delete_stream_key,
    'ImportPlaybackKeyPair': import_playback_key_pair, 'GetPlaybackKeyPair': get_playback_key_pair,
    'ListPlaybackKeyPairs': list_playback_key_pairs, 'DeletePlaybackKeyPair': delete_playback_key_pair,
    'CreateRecordingConfiguration': create_recording_configuration,
    'GetRecordingConfiguration': get_recording_configuration,
    'ListRecordingConfigurations': list_recording_configurations,
    'DeleteRecordingConfiguration': delete_recording_configuration,
    'CreatePlaybackRestrictionPolicy': create_playback_restriction_policy,
    'GetPlaybackRestrictionPolicy': get_playback_restriction_policy,
    'UpdatePlaybackRestrictionPolicy': update_playback_restriction_policy,
    'ListPlaybackRestrictionPolicies': list_playback_restriction_policies,
    'DeletePlaybackRestrictionPolicy': delete_playback_restriction_policy,
    'CreateAdConfiguration': create_ad_configuration, 'GetAdConfiguration': get_ad_configuration,
    'ListAdConfigurations': list_ad_configurations, 'DeleteAdConfiguration': delete_ad_configuration,
    'GetStream': get_stream, 'ListStreams': list_streams, 'StopStream': stop_stream, 'PutMetadata': put_metadata,
    'InsertAdBreak': insert_ad_break, 'GetStreamSession': get_stream_session,
    'ListStreamSessions': list_stream_sessions,
    'StartViewerSessionRevocation': start_viewer_session_revocation,
    'BatchStartViewerSessionRevocation': batch_start_viewer_session_revocation,
    'TagResource': tags, 'UntagResource': tags, 'ListTagsForResource': tags,
}


# -- control API -----------------------------------------------------------------------------

def _control_channel(body: dict):
    arn = body.get('channelArn')
    if not arn:
        raise ServiceError('ValidationException', 'channelArn is required', 400)
    try:
        parts = parse_arn(arn)
    except ValueError as e:
        raise ServiceError('ValidationException', str(e), 400) from None
    ctx = Context('ivs', 'control', parts['account'], parts['region'], '')
    ch = _table(ctx, 'channels').get(arn)
    if ch is None:
        raise ServiceError('ResourceNotFoundException', f'Channel {arn} not found', 404)
    return ctx, ch


def control_start_stream(_state, body):
    ctx, ch = _control_channel(body)
    health = body.get('health', 'HEALTHY')
    if health not in ('HEALTHY', 'STARVING', 'UNKNOWN'):
        raise ServiceError('ValidationException', 'health must be HEALTHY, STARVING or UNKNOWN', 400)
    viewers = body.get('viewerCount', 0)
    if ch['_stream'] is None:
        now = ctx.now()
        session = {'streamId': 'st-' + new_id(23), 'startTime': now, 'endTime': None,
                   'events': [{'name': 'Session Created', 'type': 'IVS Stream State Change', 'eventTime': now},
                              {'name': 'Stream Start', 'type': 'IVS Stream State Change', 'eventTime': now}],
                   'ingest': {'video': {'avcProfile': 'Baseline', 'avcLevel': '4.2', 'codec': 'avc1.42C02A',
                                        'encoder': 'ivs-local', 'targetBitrate': 8500000, 'targetFramerate': 30,
                                        'videoHeight': 1080, 'videoWidth': 1920, 'level': '4.2',
                                        'profile': 'Baseline', 'track': 'Track0'},
                              'audio': {'codec': 'mp4a.40.2', 'targetBitrate': 46875, 'sampleRate': 48000,
                                        'channels': 2, 'track': 'Track0'}}}
        ch['_sessions'].append(session)
        ch['_stream'] = {'streamId': session['streamId'], 'startTime': now, 'session': session}
    ch['_stream'].update({'health': health, 'viewerCount': viewers})
    return {'stream': _json(_stream_view(ch))}


def control_stop_stream(_state, body):
    ctx, ch = _control_channel(body)
    if ch['_stream'] is None:
        raise ServiceError('ChannelNotBroadcasting', f'Channel {ch["arn"]} is not currently broadcasting', 404)
    stream_id = ch['_stream']['streamId']
    _end_stream(ch, ctx.now(), 'Stream End')
    return {'channelArn': ch['arn'], 'streamId': stream_id, 'state': 'OFFLINE'}


def control_stream_activity(_state, body):
    """What PutMetadata and viewer-session revocations recorded for a channel."""
    _, ch = _control_channel(body)
    return {'channelArn': ch['arn'], 'metadata': list(ch['_metadata']), 'revocations': list(ch['_revocations'])}


def _json(doc: dict) -> dict:
    return {k: (v.isoformat().replace('+00:00', 'Z') if hasattr(v, 'isoformat') else v) for k, v in doc.items()}


CONTROL = {
    'streams/start': control_start_stream,
    'streams/stop': control_stop_stream,
    'GET streams/activity': control_stream_activity,
}
