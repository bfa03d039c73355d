"""Amazon IVS low-latency streaming: channels, stream keys, playback key pairs, recording
configurations, playback restriction policies, ad configurations, failover slate configurations,
streams and their sessions.

Each resource type is a Resource (below); its records live in its table. A channel record also
holds, privately, its live stream ('_stream', None when offline), its stream sessions
('_sessions', oldest first), the metadata PutMetadata recorded ('_metadata'), the viewer-session
revocations ('_revocations') and the ad breaks InsertAdBreak inserted ('_adBreaks'). Other services
read channels through CHANNELS and is_live().
"""
from __future__ import annotations

import copy

from ..common import ServiceError, arn_id, conflict, filtered, given_filters, new_id, not_found, page, quota, validation
from ..publickeys import fingerprint, p384_public_key_der
from ..resources import TAG_HANDLERS, Resource

LIST_MAX = 100  # the default page size of the List operations (ListStreamKeys: 1)

# Quotas per account and region, from the IVS low-latency service-quotas page.
CHANNELS = Resource('ivs', 'channel', limit=5000, page_size=LIST_MAX)
STREAM_KEYS = Resource('ivs', 'stream-key', page_size=1)
KEY_PAIRS = Resource('ivs', 'playback-key', limit=3, label='playback key pairs', page_size=LIST_MAX)
RECORDING_CONFIGURATIONS = Resource('ivs', 'recording-configuration', limit=20, page_size=LIST_MAX)
PLAYBACK_RESTRICTION_POLICIES = Resource('ivs', 'playback-restriction-policy', limit=500,
                                         label='playback restriction policies', page_size=LIST_MAX)
AD_CONFIGURATIONS = Resource('ivs', 'ad-configuration', limit=100, page_size=LIST_MAX)
# The quotas page lists no limit for failover slate configurations yet; ivs-local takes the ad
# configurations' 100.
FAILOVER_SLATES = Resource('ivs', 'failover-slate-configuration', limit=100, page_size=LIST_MAX)
STREAM_KEYS_PER_CHANNEL = 1


def is_live(channel: dict) -> bool:
    """Whether a channel (a CHANNELS record) is broadcasting."""
    return channel['_stream'] is not None


def _check_ref(ctx, resource: Resource, arn: str | None):
    """A channel's reference to another resource: '' clears it; otherwise it must exist."""
    if arn:
        resource.table(ctx).get(arn)


def _unless_channels_use(field: str, what: str):
    """A refuse() for Resource.delete_handler: ConflictException while a channel refers to the
    resource by field."""
    def refuse(ctx, arn):
        if any(c[field] == arn for c in CHANNELS.table(ctx)):
            raise conflict(ctx, f'{what} {arn} is in use by a channel')
    return refuse


RECORDING_CONFIGURATION_IN_USE = _unless_channels_use('recordingConfigurationArn', 'Recording configuration')
POLICY_IN_USE = _unless_channels_use('playbackRestrictionPolicyArn', 'Playback restriction policy')
AD_CONFIGURATION_IN_USE = _unless_channels_use('adConfigurationArn', 'Ad configuration')
FAILOVER_SLATE_IN_USE = _unless_channels_use('failoverSlateConfigurationArn', 'Failover slate configuration')


def _batch_get(table, what: str, arns: list) -> tuple[list, list]:
    """(found resources, errors for the rest), each ARN once, in the order asked."""
    found, errors = [], []
    for arn in dict.fromkeys(arns):
        item = table.find(arn)
        if item:
            found.append(table.view(item))
        else:
            errors.append({'arn': arn, 'code': 'ResourceNotFoundException', 'message': f'{what} {arn} not found'})
    return found, errors


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
    _check_ref(ctx, RECORDING_CONFIGURATIONS, ch['recordingConfigurationArn'])
    _check_ref(ctx, PLAYBACK_RESTRICTION_POLICIES, ch['playbackRestrictionPolicyArn'])
    _check_ref(ctx, AD_CONFIGURATIONS, ch['adConfigurationArn'])
    _check_ref(ctx, FAILOVER_SLATES, ch['failoverSlateConfigurationArn'])


CHANNEL_SETTINGS = ('name', 'latencyMode', 'type', 'authorized', 'recordingConfigurationArn', 'insecureIngest',
                    'preset', 'playbackRestrictionPolicyArn', 'containerFormat', 'adConfigurationArn',
                    'failoverSlateConfigurationArn')


def _stream_key_value(ctx) -> str:
    return f'sk_{ctx.region}_{new_id(32)}'


def create_channel(ctx, p):
    channels, keys = CHANNELS.table(ctx), STREAM_KEYS.table(ctx)
    ch = {'name': '', 'latencyMode': 'LOW', 'type': 'STANDARD', 'authorized': False, 'recordingConfigurationArn': '',
          'insecureIngest': False, 'preset': '', 'playbackRestrictionPolicyArn': '', 'containerFormat': 'TS',
          'adConfigurationArn': '', 'failoverSlateConfigurationArn': '',
          'multitrackInputConfiguration': {'enabled': False, 'policy': 'ALLOW', 'maximumResolution': 'FULL_HD'}}
    ch.update({k: p[k] for k in CHANNEL_SETTINGS if k in p})
    ch['multitrackInputConfiguration'].update(p.get('multitrackInputConfiguration', {}))
    _channel_rules(ctx, ch)
    arn = channels.new_arn()
    cid, ingest = arn_id(arn), new_id(12).lower()
    ch.update({'arn': arn, 'ingestEndpoint': f'{ingest}.global-contribute.live-video.net',
               'playbackUrl': f'https://{ingest}.{ctx.region}.playback.live-video.net/api/video/v1/'
                              f'{ctx.region}.{ctx.account}.channel.{cid}.m3u8',
               'srt': {'endpoint': f'{ingest}.srt.live-video.net', 'passphrase': new_id(32)},
               '_sessions': [], '_stream': None, '_metadata': [], '_revocations': [], '_adBreaks': []})
    channels.add(ch, p.get('tags'))
    key = keys.create({'channelArn': arn, 'value': _stream_key_value(ctx)}, p.get('tags'))
    return {'channel': channels.view(ch), 'streamKey': keys.view(key)}


def batch_get_channel(ctx, p):
    found, errors = _batch_get(CHANNELS.table(ctx), 'Channel', p['arns'])
    return {'channels': found, 'errors': errors}


def _same(member: str):
    return lambda record, value: record[member] == value


CHANNEL_FILTERS = {'filterByName': _same('name'),
                   'filterByRecordingConfigurationArn': _same('recordingConfigurationArn'),
                   'filterByPlaybackRestrictionPolicyArn': _same('playbackRestrictionPolicyArn'),
                   'filterByAdConfigurationArn': _same('adConfigurationArn'),
                   'filterByFailoverSlateConfigurationArn': _same('failoverSlateConfigurationArn')}


def list_channels(ctx, p):
    if len(given_filters(p, CHANNEL_FILTERS)) > 1:
        raise conflict(ctx, 'Only one filterBy parameter can be used at a time')
    channels = CHANNELS.table(ctx)
    return channels.page(p, 'channels', filtered(channels, p, CHANNEL_FILTERS))


def update_channel(ctx, p):
    channels = CHANNELS.table(ctx)
    ch = channels.get(p['arn'])
    if is_live(ch):
        raise conflict(ctx, 'Channel is live; stop the stream before updating it')
    updated = copy.deepcopy({k: v for k, v in ch.items() if not k.startswith('_')})
    updated.update({k: p[k] for k in CHANNEL_SETTINGS if k in p})
    if 'type' in p and not p['type'].startswith('ADVANCED') and 'preset' not in p:
        updated['preset'] = ''
    updated['multitrackInputConfiguration'].update(p.get('multitrackInputConfiguration', {}))
    _channel_rules(ctx, updated)
    ch.update(updated)
    return {'channel': channels.view(ch)}


def delete_channel(ctx, p):
    channels, keys = CHANNELS.table(ctx), STREAM_KEYS.table(ctx)
    ch = channels.get(p['arn'])
    if is_live(ch):
        raise conflict(ctx, 'Unable to delete a channel that is live')
    for key in keys:
        if key['channelArn'] == ch['arn']:
            keys.delete(key['arn'])
    channels.delete(ch['arn'])
    return {}


# -- stream keys -----------------------------------------------------------------------------

def create_stream_key(ctx, p):
    ch = CHANNELS.table(ctx).get(p['channelArn'])
    keys = STREAM_KEYS.table(ctx)
    if sum(k['channelArn'] == ch['arn'] for k in keys) >= STREAM_KEYS_PER_CHANNEL:
        raise quota(ctx, f'Maximum number of stream keys per channel ({STREAM_KEYS_PER_CHANNEL}) reached')
    key = keys.create({'channelArn': ch['arn'], 'value': _stream_key_value(ctx)}, p.get('tags'))
    return {'streamKey': keys.view(key)}


def batch_get_stream_key(ctx, p):
    found, errors = _batch_get(STREAM_KEYS.table(ctx), 'Stream key', p['arns'])
    return {'streamKeys': found, 'errors': errors}


def list_stream_keys(ctx, p):
    ch = CHANNELS.table(ctx).get(p['channelArn'])
    keys = STREAM_KEYS.table(ctx)
    return keys.page(p, 'streamKeys', [k for k in keys if k['channelArn'] == ch['arn']])


# -- playback key pairs ----------------------------------------------------------------------

def import_playback_key_pair(ctx, p):
    try:
        fp = fingerprint(p384_public_key_der(p['publicKeyMaterial']))
    except ValueError:
        raise validation(ctx, 'publicKeyMaterial must be a PEM-encoded ECDSA P-384 public key') from None
    pairs = KEY_PAIRS.table(ctx)
    if any(k['fingerprint'] == fp for k in pairs):
        raise conflict(ctx, 'A playback key pair with this public key already exists')
    kp = pairs.create({'name': p.get('name', ''), 'fingerprint': fp}, p.get('tags'))
    return {'keyPair': pairs.view(kp)}


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
    configurations = RECORDING_CONFIGURATIONS.table(ctx)
    return {'recordingConfiguration': configurations.view(configurations.create(fields, p.get('tags')))}


# -- playback restriction policies -----------------------------------------------------------

POLICY_SETTINGS = ('allowedCountries', 'allowedOrigins', 'enableStrictOriginEnforcement', 'name')


def create_playback_restriction_policy(ctx, p):
    fields = {'allowedCountries': p.get('allowedCountries', ['*']), 'allowedOrigins': p.get('allowedOrigins', ['*']),
              'enableStrictOriginEnforcement': p.get('enableStrictOriginEnforcement', False), 'name': p.get('name', '')}
    policies = PLAYBACK_RESTRICTION_POLICIES.table(ctx)
    return {'playbackRestrictionPolicy': policies.view(policies.create(fields, p.get('tags')))}


def update_playback_restriction_policy(ctx, p):
    policies = PLAYBACK_RESTRICTION_POLICIES.table(ctx)
    policy = policies.get(p['arn'])
    policy.update({k: p[k] for k in POLICY_SETTINGS if k in p})
    return {'playbackRestrictionPolicy': policies.view(policy)}


# -- ad configurations -----------------------------------------------------------------------

# The post-roll ad break is off unless asked for (API reference, CreateAdConfiguration).
POST_ROLL_DEFAULT = {'enabled': False, 'durationSeconds': 15}
AD_SETTINGS = ('name', 'mediaTailorPlaybackConfigurations', 'postRollConfiguration')


def create_ad_configuration(ctx, p):
    fields = {'name': p.get('name', ''), 'mediaTailorPlaybackConfigurations': p['mediaTailorPlaybackConfigurations'],
              'postRollConfiguration': p.get('postRollConfiguration', POST_ROLL_DEFAULT)}
    ads = AD_CONFIGURATIONS.table(ctx)
    return {'adConfiguration': ads.view(ads.create(copy.deepcopy(fields), p.get('tags')))}


def update_ad_configuration(ctx, p):
    """Members not given keep their values; a channel using the configuration sees the change."""
    ads = AD_CONFIGURATIONS.table(ctx)
    ad = ads.get(p['arn'])
    ad.update(copy.deepcopy({k: p[k] for k in AD_SETTINGS if k in p}))
    return {'adConfiguration': ads.view(ad)}


# -- failover slate configurations -----------------------------------------------------------

# The defaults of the API reference (CreateFailoverSlateConfiguration); the ranges are the model's.
SLATE_DEFAULTS = {'activationThresholdSeconds': 3, 'minSlateDisplaySeconds': 3, 'maxSlateDisplaySeconds': 60}
SLATE_SETTINGS = ('name', 'activationThresholdSeconds', 'minSlateDisplaySeconds', 'maxSlateDisplaySeconds')


def create_failover_slate_configuration(ctx, p):
    # AWS reports CREATING until the slate is ready; ivs-local has nothing to prepare.
    fields = {'name': '', **SLATE_DEFAULTS, **{k: p[k] for k in SLATE_SETTINGS if k in p}, 'state': 'CREATED'}
    slates = FAILOVER_SLATES.table(ctx)
    return {'failoverSlateConfiguration': slates.view(slates.create(fields, p.get('tags')))}


def update_failover_slate_configuration(ctx, p):
    """Members not given keep their values; a live stream keeps the settings it went live with
    (GetStreamSession reports them)."""
    slates = FAILOVER_SLATES.table(ctx)
    slate = slates.get(p['arn'])
    slate.update({k: p[k] for k in SLATE_SETTINGS if k in p})
    return {'failoverSlateConfiguration': slates.view(slate)}


# -- streams ---------------------------------------------------------------------------------

def _live(ctx, arn: str) -> dict:
    ch = CHANNELS.table(ctx).get(arn)
    if not is_live(ch):
        msg = f'Channel {arn} is not currently broadcasting'
        raise ServiceError('ChannelNotBroadcasting', msg, exceptionMessage=msg)
    return ch


def _stream_view(ch: dict) -> dict:
    s = ch['_stream']
    return {'channelArn': ch['arn'], 'streamId': s['streamId'], 'playbackUrl': ch['playbackUrl'],
            'startTime': s['startTime'], 'state': 'LIVE', 'health': s['health'], 'viewerCount': s['viewerCount']}


def get_stream(ctx, p):
    return {'stream': _stream_view(_live(ctx, p['channelArn']))}


def list_streams(ctx, p):
    live = [c for c in CHANNELS.table(ctx) if is_live(c)]
    health = p.get('filterBy', {}).get('health')
    if health:
        live = [c for c in live if c['_stream']['health'] == health]
    return page(ctx, p, 'streams', live, _stream_view, default_max=LIST_MAX)


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
    """adBreakId is the caller's unique identifier of the break (a new one when not given): one
    already inserted on the channel is a ConflictException. targetStartAt defaults to now."""
    ch = _live(ctx, p['channelArn'])
    if not ch['adConfigurationArn']:
        raise conflict(ctx, 'The channel has no ad configuration')
    ad_break_id = p.get('adBreakId') or new_id(12)
    if any(b['adBreakId'] == ad_break_id for b in ch['_adBreaks']):
        raise conflict(ctx, f'Ad break {ad_break_id} was already inserted on this channel')
    target = p.get('targetStartAt') or ctx.now()
    ch['_adBreaks'].append({'adBreakId': ad_break_id, 'durationSeconds': p['durationSeconds'],
                            'targetStartAt': target.isoformat(), 'streamId': ch['_stream']['streamId']})
    return {'adBreakId': ad_break_id, 'targetStartAt': target}


def _session_for(ch: dict, stream_id: str | None) -> dict | None:
    sessions = ch['_sessions']
    if stream_id is None:
        return sessions[-1] if sessions else None
    return next((s for s in sessions if s['streamId'] == stream_id), None)


def get_stream_session(ctx, p):
    channels = CHANNELS.table(ctx)
    ch = channels.get(p['channelArn'])
    session = _session_for(ch, p.get('streamId'))
    if session is None:
        raise not_found(ctx, p.get('streamId') or p['channelArn'])
    out = {'streamId': session['streamId'], 'startTime': session['startTime'], 'endTime': session.get('endTime'),
           'channel': channels.view(ch), 'ingestConfiguration': session['ingest'],
           'ingestConfigurations': {'videoConfigurations': [session['ingest']['video']],
                                    'audioConfigurations': [session['ingest']['audio']]},
           'truncatedEvents': session['events'][-500:]}
    configurations = RECORDING_CONFIGURATIONS.table(ctx)
    rc = configurations.find(ch['recordingConfigurationArn'])
    if rc:
        out['recordingConfiguration'] = configurations.view(rc)
    if session.get('failoverSlate'):
        out['failoverSlateConfiguration'] = copy.deepcopy(session['failoverSlate'])
    return {'streamSession': out}


def _session_summary(s: dict) -> dict:
    return {'streamId': s['streamId'], 'startTime': s['startTime'], 'endTime': s.get('endTime'),
            'hasErrorEvent': any(e.get('type') == 'IVS Stream Failure' for e in s['events'])}


def list_stream_sessions(ctx, p):
    ch = CHANNELS.table(ctx).get(p['channelArn'])
    newest_first = list(reversed(ch['_sessions']))
    return page(ctx, p, 'streamSessions', newest_first, _session_summary, default_max=LIST_MAX)


# -- private channels ------------------------------------------------------------------------

def _revocation(session: dict) -> dict:
    return {'viewerId': session['viewerId'],
            'viewerSessionVersionsLessThanOrEqualTo': session.get('viewerSessionVersionsLessThanOrEqualTo', 0)}


def start_viewer_session_revocation(ctx, p):
    ch = CHANNELS.table(ctx).get(p['channelArn'])
    ch['_revocations'].append(_revocation(p))
    return {}


def batch_start_viewer_session_revocation(ctx, p):
    channels = CHANNELS.table(ctx)
    errors = []
    for session in p['viewerSessions']:
        ch = channels.find(session['channelArn'])
        if ch is None:
            errors.append({'channelArn': session['channelArn'], 'viewerId': session['viewerId'],
                           'code': 'ResourceNotFoundException',
                           'message': f'Channel {session["channelArn"]} not found'})
            continue
        ch['_revocations'].append(_revocation(session))
    return {'errors': errors}


HANDLERS = {
    'CreateChannel': create_channel, 'GetChannel': CHANNELS.get_handler('channel'),
    'BatchGetChannel': batch_get_channel, 'ListChannels': list_channels, 'UpdateChannel': update_channel,
    'DeleteChannel': delete_channel,

    'CreateStreamKey': create_stream_key, 'GetStreamKey': STREAM_KEYS.get_handler('streamKey'),
    'BatchGetStreamKey': batch_get_stream_key, 'ListStreamKeys': list_stream_keys,
    'DeleteStreamKey': STREAM_KEYS.delete_handler(),

    'ImportPlaybackKeyPair': import_playback_key_pair, 'GetPlaybackKeyPair': KEY_PAIRS.get_handler('keyPair'),
    'ListPlaybackKeyPairs': KEY_PAIRS.list_handler('keyPairs'), 'DeletePlaybackKeyPair': KEY_PAIRS.delete_handler(),

    'CreateRecordingConfiguration': create_recording_configuration,
    'GetRecordingConfiguration': RECORDING_CONFIGURATIONS.get_handler('recordingConfiguration'),
    'ListRecordingConfigurations': RECORDING_CONFIGURATIONS.list_handler('recordingConfigurations'),
    'DeleteRecordingConfiguration': RECORDING_CONFIGURATIONS.delete_handler(refuse=RECORDING_CONFIGURATION_IN_USE),

    'CreatePlaybackRestrictionPolicy': create_playback_restriction_policy,
    'GetPlaybackRestrictionPolicy': PLAYBACK_RESTRICTION_POLICIES.get_handler('playbackRestrictionPolicy'),
    'UpdatePlaybackRestrictionPolicy': update_playback_restriction_policy,
    'ListPlaybackRestrictionPolicies': PLAYBACK_RESTRICTION_POLICIES.list_handler('playbackRestrictionPolicies'),
    'DeletePlaybackRestrictionPolicy': PLAYBACK_RESTRICTION_POLICIES.delete_handler(refuse=POLICY_IN_USE),

    'CreateAdConfiguration': create_ad_configuration,
    'GetAdConfiguration': AD_CONFIGURATIONS.get_handler('adConfiguration'),
    'ListAdConfigurations': AD_CONFIGURATIONS.list_handler('adConfigurations'),
    'UpdateAdConfiguration': update_ad_configuration,
    'DeleteAdConfiguration': AD_CONFIGURATIONS.delete_handler(refuse=AD_CONFIGURATION_IN_USE),

    'CreateFailoverSlateConfiguration': create_failover_slate_configuration,
    'GetFailoverSlateConfiguration': FAILOVER_SLATES.get_handler('failoverSlateConfiguration'),
    'ListFailoverSlateConfigurations': FAILOVER_SLATES.list_handler('failoverSlateConfigurations'),
    'UpdateFailoverSlateConfiguration': update_failover_slate_configuration,
    'DeleteFailoverSlateConfiguration': FAILOVER_SLATES.delete_handler(refuse=FAILOVER_SLATE_IN_USE),

    'GetStream': get_stream, 'ListStreams': list_streams, 'StopStream': stop_stream, 'PutMetadata': put_metadata,
    'InsertAdBreak': insert_ad_break, 'GetStreamSession': get_stream_session,
    'ListStreamSessions': list_stream_sessions,
    'StartViewerSessionRevocation': start_viewer_session_revocation,
    'BatchStartViewerSessionRevocation': batch_start_viewer_session_revocation,

    **TAG_HANDLERS,
}


# -- control API -----------------------------------------------------------------------------

def control_start_stream(_state, body):
    ctx, ch = CHANNELS.for_control(body, 'channelArn')
    health = body.get('health', 'HEALTHY')
    if health not in ('HEALTHY', 'STARVING', 'UNKNOWN'):
        raise ServiceError('ValidationException', 'health must be HEALTHY, STARVING or UNKNOWN', 400)
    viewers = body.get('viewerCount', 0)
    if not is_live(ch):
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
        slates = FAILOVER_SLATES.table(ctx)
        slate = slates.find(ch['failoverSlateConfigurationArn'])
        if slate is not None:
            session['failoverSlate'] = slates.view(slate)  # as it was when the channel went live
        ch['_sessions'].append(session)
        ch['_stream'] = {'streamId': session['streamId'], 'startTime': now, 'session': session}
    ch['_stream'].update({'health': health, 'viewerCount': viewers})
    return {'stream': _stream_view(ch)}


def control_stop_stream(_state, body):
    ctx, ch = CHANNELS.for_control(body, 'channelArn')
    if not is_live(ch):
        raise ServiceError('ChannelNotBroadcasting', f'Channel {ch["arn"]} is not currently broadcasting', 404)
    stream_id = ch['_stream']['streamId']
    _end_stream(ch, ctx.now(), 'Stream End')
    return {'channelArn': ch['arn'], 'streamId': stream_id, 'state': 'OFFLINE'}


def control_stream_activity(_state, body):
    """What PutMetadata, viewer-session revocations and InsertAdBreak recorded for a channel."""
    _, ch = CHANNELS.for_control(body, 'channelArn')
    return {'channelArn': ch['arn'], 'metadata': list(ch['_metadata']), 'revocations': list(ch['_revocations']),
            'adBreaks': copy.deepcopy(ch['_adBreaks'])}


CONTROL = {
    'streams/start': control_start_stream,
    'streams/stop': control_stop_stream,
    'GET streams/activity': control_stream_activity,
}
