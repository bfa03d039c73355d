"""ivs-realtime (Amazon IVS Real-Time Streaming): stages, stage sessions, participants and their
events, participant tokens and replication, compositions, encoder/storage/ingest configurations,
public keys, and tags.

State lives in ctx.state (one namespace per account and region):
    stages        arn -> stage record
    sessions      stage arn -> [session records], oldest first; a session holds its participants
                  (participantId -> record) and events (list, oldest first)
    tokens        stage arn -> participantId -> token record (issued by CreateParticipantToken)
    encoders, storages, compositions, publicKeys, ingests: arn -> record
    replicas      [replica records]
Tags live in ctx.tags (shared with the ivs service: both use arn:aws:ivs:...).

Live state (participants joining, publishing, leaving; events) is driven by the control API
(CONTROL below), since no media flows through ivs-local.
"""
from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import json
import re
import secrets
import string

from .. import common
from ..common import ServiceError, conflict, new_id, not_found, paginate, quota, validation

SERVICE = 'ivs-realtime'

# Per account and region. EncoderConfigurations (20) and concurrent compositions (5) are from
# the IVS Real-Time service-quotas page; the others are our best reading of AWS's defaults.
QUOTAS = {
    'stages': 1000,
    'encoders': 20,
    'storages': 20,
    'compositions': 5,      # concurrent (STARTING or ACTIVE) compositions
    'publicKeys': 3,
    'ingests': 1000,
}

REALTIME_RESOURCE_TYPES = ('stage', 'composition', 'encoder-configuration',
                           'storage-configuration', 'public-key', 'ingest-configuration')

EVENT_NAMES = ('JOINED', 'LEFT', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'SUBSCRIBE_STARTED',
               'SUBSCRIBE_STOPPED', 'PUBLISH_ERROR', 'SUBSCRIBE_ERROR', 'JOIN_ERROR',
               'REPLICATION_STARTED', 'REPLICATION_STOPPED', 'TOKEN_EXCHANGED')
EVENT_ERROR_CODES = ('INSUFFICIENT_CAPABILITIES', 'QUOTA_EXCEEDED', 'PUBLISHER_NOT_FOUND',
                     'BITRATE_EXCEEDED', 'RESOLUTION_EXCEEDED', 'STREAM_DURATION_EXCEEDED',
                     'INVALID_AUDIO_CODEC', 'INVALID_VIDEO_CODEC', 'INVALID_PROTOCOL',
                     'INVALID_STREAM_KEY', 'REUSE_OF_STREAM_KEY', 'B_FRAME_PRESENT',
                     'INVALID_INPUT', 'INTERNAL_SERVER_EXCEPTION')

# Participant members a control request may set (besides the ones ivs-local assigns).
PARTICIPANT_FIELDS = ('userId', 'state', 'attributes', 'published', 'ispName', 'osName',
                      'osVersion', 'browserName', 'browserVersion', 'sdkVersion',
                      'recordingS3BucketName', 'recordingS3Prefix', 'recordingState', 'protocol',
                      'replicationType', 'replicationState', 'sourceStageArn', 'sourceSessionId',
                      'redundantIngest', 'ingestConfigurationArn')
PARTICIPANT_SUMMARY_FIELDS = ('participantId', 'userId', 'state', 'firstJoinTime', 'published',
                              'recordingState', 'replicationType', 'replicationState',
                              'sourceStageArn', 'sourceSessionId', 'redundantIngest',
                              'ingestConfigurationArn')

_ALNUM = string.ascii_letters + string.digits


# ---------------------------------------------------------------------------------------------
# helpers

def _ns(ctx, key: str) -> dict:
    return ctx.state.setdefault(key, {})


def _session_id() -> str:
    return 'st-' + new_id(13)


def _endpoint_id(account: str, region: str) -> str:
    # AWS hands every stage of an account the same per-account host prefix.
    return hashlib.sha256(f'{account}:{region}'.encode()).hexdigest()[:12]


def _endpoints(ctx) -> dict:
    eid = _endpoint_id(ctx.account, ctx.region)
    return {
        'events': 'wss://global.events.live-video.net',
        'whip': f'https://{eid}.global-bm.whip.live-video.net',
        'rtmp': f'rtmp://{eid}.global-contribute-staging.live-video.net/app/',
        'rtmps': f'rtmps://{eid}.global-contribute-staging.live-video.net:443/app/',
    }


def _arn_id(arn: str) -> str:
    return arn.rsplit('/', 1)[-1]


def _tags(ctx, arn: str) -> dict:
    return dict(ctx.tags.get(arn, {}))


def _drop_tags(ctx, arn: str) -> None:
    ctx.tags.pop(arn, None)


def _get(ctx, key: str, arn: str) -> dict:
    rec = _ns(ctx, key).get(arn)
    if rec is None:
        raise not_found(ctx, arn)
    return rec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip('=')


def _stage(ctx, arn: str) -> dict:
    return _get(ctx, 'stages', arn)


def _active_session(ctx, stage_arn: str) -> dict | None:
    sessions = _ns(ctx, 'sessions').get(stage_arn, [])
    if sessions and sessions[-1].get('endTime') is None:
        return sessions[-1]
    return None


def _find_session(ctx, stage_arn: str, session_id: str) -> dict | None:
    for s in _ns(ctx, 'sessions').get(stage_arn, []):
        if s['sessionId'] == session_id:
            return s
    return None


def _start_session(ctx, stage_arn: str) -> dict:
    s = _active_session(ctx, stage_arn)
    if s is None:
        s = {'sessionId': _session_id(), 'startTime': ctx.now(), 'endTime': None,
             'participants': {}, 'events': []}
        _ns(ctx, 'sessions').setdefault(stage_arn, []).append(s)
        _ns(ctx, 'stages')[stage_arn]['activeSessionId'] = s['sessionId']
    return s


def _end_session(ctx, stage_arn: str) -> None:
    s = _active_session(ctx, stage_arn)
    if s is None:
        return
    for p in s['participants'].values():
        if p['state'] == 'CONNECTED':
            _disconnect(ctx, stage_arn, s, p, end_if_empty=False)
    s['endTime'] = ctx.now()
    stage = _ns(ctx, 'stages').get(stage_arn)
    if stage is not None:
        stage.pop('activeSessionId', None)


def _add_event(ctx, session: dict, participant_id: str, name: str, **extra) -> dict:
    ev = {'name': name, 'participantId': participant_id, 'eventTime': extra.pop('eventTime', None) or ctx.now()}
    ev.update({k: v for k, v in extra.items() if v is not None})
    session['events'].append(ev)
    return ev


def _disconnect(ctx, stage_arn: str, session: dict, p: dict, *, end_if_empty: bool = True,
                reason: str | None = None) -> None:
    if p['state'] != 'CONNECTED':
        return
    pid = p['participantId']
    if p.pop('_publishing', False):
        _add_event(ctx, session, pid, 'PUBLISH_STOPPED')
    p['state'] = 'DISCONNECTED'
    if p.get('recordingState') in ('STARTING', 'ACTIVE'):
        p['recordingState'] = 'STOPPED'
    _add_event(ctx, session, pid, 'LEFT', replica=True if p.get('replicationType') == 'REPLICA' else None)
    if reason:
        p['_disconnectReason'] = reason
    # A source participant leaving stops its replicas; a replica leaving stops its replication.
    for r in ctx.state.get('replicas', []):
        if r['participantId'] != pid or r['replicationState'] != 'ACTIVE':
            continue
        if r['sourceStageArn'] == stage_arn or (
                r['destinationStageArn'] == stage_arn and r['destinationSessionId'] == session['sessionId']):
            _stop_replica(ctx, r)
    # An RTMP(S) participant leaving frees its ingest configuration.
    ing = _ns(ctx, 'ingests').get(p.get('ingestConfigurationArn') or '')
    if ing is not None and ing.get('_participantStage') == stage_arn:
        ing['state'] = 'INACTIVE'
        ing.pop('_participantStage', None)
    if end_if_empty and not any(q['state'] == 'CONNECTED' for q in session['participants'].values()):
        _end_session(ctx, stage_arn)


def _join(ctx, stage_arn: str, fields: dict, participant_id: str | None = None,
          session: dict | None = None) -> tuple[dict, dict]:
    """Adds (or reconnects) a participant in the stage's active session (started if needed)."""
    stage = _stage(ctx, stage_arn)
    session = session or _start_session(ctx, stage_arn)
    token = _ns(ctx, 'tokens').get(stage_arn, {}).get(participant_id or '')
    pid = participant_id or new_id(12)
    p = session['participants'].get(pid)
    was_connected = p is not None and p['state'] == 'CONNECTED'
    if p is None:
        p = {'participantId': pid, 'userId': '', 'state': 'CONNECTED',
             'firstJoinTime': fields.get('firstJoinTime') or ctx.now(), 'attributes': {},
             'published': False, 'protocol': 'WHIP', 'replicationType': 'NONE',
             'redundantIngest': False}
        if token is not None:
            p['userId'] = token.get('userId', '')
            p['attributes'] = dict(token.get('attributes', {}))
        rec = stage.get('autoParticipantRecordingConfiguration') or {}
        storage = _ns(ctx, 'storages').get(rec.get('storageConfigurationArn') or '')
        if storage is not None and 'NONE' not in rec.get('mediaTypes', []):
            p['recordingState'] = 'ACTIVE'
            p['recordingS3BucketName'] = storage['s3']['bucketName']
            p['recordingS3Prefix'] = f"{_arn_id(stage_arn)}-{session['sessionId']}-{pid}"
        else:
            p['recordingState'] = 'DISABLED'
        session['participants'][pid] = p
    else:
        p['state'] = 'CONNECTED'
    for k in PARTICIPANT_FIELDS:
        if k in fields and fields[k] is not None:
            p[k] = copy.deepcopy(fields[k])
    if p['state'] == 'CONNECTED':
        if not was_connected:
            _add_event(ctx, session, pid, 'JOINED',
                       replica=True if p.get('replicationType') == 'REPLICA' else None)
        if fields.get('published') and not p.get('_publishing'):
            # 'published' means "ever published in this session"; _publishing is "right now".
            p['_publishing'] = True
            _add_event(ctx, session, pid, 'PUBLISH_STARTED')
    return session, p


def _participant_out(p: dict, summary: bool = False) -> dict:
    keys = PARTICIPANT_SUMMARY_FIELDS if summary else ('participantId',) + PARTICIPANT_FIELDS + ('firstJoinTime',)
    return {k: copy.deepcopy(p[k]) for k in keys if k in p and p[k] is not None}


def _check_token_attributes(ctx, cfg: dict) -> None:
    attrs = cfg.get('attributes') or {}
    if sum(len(k.encode()) + len(v.encode()) for k, v in attrs.items()) > 1024:
        raise validation(ctx, 'attributes: the total size of keys and values must be at most 1 KB.')


def _token(ctx, stage_arn: str, cfg: dict) -> dict:
    """A participant token shaped like AWS's (a JWT); its signature is random bytes, since the
    real one is made with a key only AWS holds."""
    _check_token_attributes(ctx, cfg)
    pid = new_id(12)
    duration = cfg.get('duration') or 720
    capabilities = list(cfg.get('capabilities') or ['PUBLISH', 'SUBSCRIBE'])
    now = ctx.now()
    exp = now + datetime.timedelta(minutes=duration)
    endpoints = _endpoints(ctx)
    claims = {
        'exp': int(exp.timestamp()), 'iat': int(now.timestamp()), 'jti': pid,
        'resource': stage_arn, 'topic': _arn_id(stage_arn),
        'events_url': endpoints['events'], 'whip_url': endpoints['whip'],
        'capabilities': {'allow_publish': 'PUBLISH' in capabilities,
                         'allow_subscribe': 'SUBSCRIBE' in capabilities},
        'version': '1.0',
    }
    if cfg.get('userId'):
        claims['user_id'] = cfg['userId']
    if cfg.get('attributes'):
        claims['attributes'] = cfg['attributes']
    header = {'alg': 'ES384', 'typ': 'JWT'}
    token = '.'.join([_b64url(json.dumps(header, separators=(',', ':')).encode()),
                      _b64url(json.dumps(claims, separators=(',', ':')).encode()),
                      _b64url(secrets.token_bytes(96))])
    rec = {'participantId': pid, 'token': token, 'duration': duration,
           'capabilities': capabilities, 'expirationTime': exp}
    if cfg.get('userId') is not None:
        rec['userId'] = cfg['userId']
    if cfg.get('attributes') is not None:
        rec['attributes'] = dict(cfg['attributes'])
    _ns(ctx, 'tokens').setdefault(stage_arn, {})[pid] = rec
    return dict(rec)


def exists(ctx, arn: str) -> bool:
    """Whether arn names a live ivs-realtime resource in ctx's account and region."""
    return exists_in(ctx.account, ctx.region, arn)


def exists_in(account: str, region: str, arn: str) -> bool:
    """The same for any account and region (for the ivs service's tag operations, which share
    the tag store with ivs-realtime)."""
    try:
        rtype = common.parse_arn(arn)['resourceType']
    except ValueError:
        return False
    key = {'stage': 'stages', 'composition': 'compositions',
           'encoder-configuration': 'encoders', 'storage-configuration': 'storages',
           'public-key': 'publicKeys', 'ingest-configuration': 'ingests'}.get(rtype)
    return key is not None and arn in common.state_for(account, region, SERVICE).get(key, {})


def _check_quota(ctx, key: str, label: str, count: int | None = None) -> None:
    n = len(ctx.state.get(key, {})) if count is None else count
    if n >= QUOTAS[key]:
        raise quota(ctx, f'Maximum number of {label} ({QUOTAS[key]}) reached for this account '
                         f'in {ctx.region}.')


# ---------------------------------------------------------------------------------------------
# stages

_RECORDING_DEFAULTS = {
    'mediaTypes': ['AUDIO_VIDEO'],
    'thumbnailConfiguration': {'targetIntervalSeconds': 60, 'storage': ['SEQUENTIAL'],
                               'recordingMode': 'INTERVAL'},
    'recordingReconnectWindowSeconds': 0,
    'hlsConfiguration': {'targetSegmentDurationSeconds': 6},
    'recordParticipantReplicas': True,
}


def _recording_config(ctx, cfg: dict | None, missing_storage) -> dict:
    if cfg is None:  # recording off: no storage configuration, AWS's defaults for the rest
        return {'storageConfigurationArn': '', **copy.deepcopy(_RECORDING_DEFAULTS)}
    out = copy.deepcopy(_RECORDING_DEFAULTS)
    for k, v in cfg.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k].update(copy.deepcopy(v))
        else:
            out[k] = copy.deepcopy(v)
    arn = out.get('storageConfigurationArn') or ''
    if arn and arn not in _ns(ctx, 'storages'):
        raise missing_storage(arn)
    return out


def _stage_out(ctx, stage: dict, summary: bool = False) -> dict:
    out = {'arn': stage['arn'], 'name': stage['name'], 'tags': _tags(ctx, stage['arn'])}
    if stage.get('activeSessionId'):
        out['activeSessionId'] = stage['activeSessionId']
    if not summary:
        out['autoParticipantRecordingConfiguration'] = copy.deepcopy(
            stage['autoParticipantRecordingConfiguration'])
        out['endpoints'] = _endpoints(ctx)
    return out


def create_stage(ctx, params):
    _check_quota(ctx, 'stages', 'stages')
    arn = ctx.arn('stage', new_id(12))
    rec_cfg = _recording_config(
        ctx, params.get('autoParticipantRecordingConfiguration'),
        lambda a: validation(ctx, f'Storage configuration {a} does not exist.'))
    for cfg in params.get('participantTokenConfigurations', []):
        _check_token_attributes(ctx, cfg)
    common.set_tags(ctx, arn, params.get('tags'))
    stage = {'arn': arn, 'name': params.get('name', ''),
             'autoParticipantRecordingConfiguration': rec_cfg}
    _ns(ctx, 'stages')[arn] = stage
    tokens = [_token(ctx, arn, cfg) for cfg in params.get('participantTokenConfigurations', [])]
    out = {'stage': _stage_out(ctx, stage)}
    if tokens:
        out['participantTokens'] = tokens
    return out


def get_stage(ctx, params):
    return {'stage': _stage_out(ctx, _stage(ctx, params['arn']))}


def update_stage(ctx, params):
    stage = _stage(ctx, params['arn'])
    rec_cfg = stage['autoParticipantRecordingConfiguration']
    if 'autoParticipantRecordingConfiguration' in params:
        rec_cfg = _recording_config(ctx, params['autoParticipantRecordingConfiguration'],
                                    lambda a: not_found(ctx, a))
    if 'name' in params:
        stage['name'] = params['name']
    stage['autoParticipantRecordingConfiguration'] = rec_cfg
    return {'stage': _stage_out(ctx, stage)}


def delete_stage(ctx, params):
    arn = params['arn']
    _stage(ctx, arn)
    # AWS disconnects everyone, stops the stage's compositions and detaches ingest configurations.
    _end_session(ctx, arn)
    for comp in _ns(ctx, 'compositions').values():
        if comp['stageArn'] == arn and comp['state'] in ('STARTING', 'ACTIVE'):
            _stop_composition(ctx, comp)
    for ing in _ns(ctx, 'ingests').values():
        if ing['stageArn'] == arn:
            ing['stageArn'] = ''
    del _ns(ctx, 'stages')[arn]
    _ns(ctx, 'tokens').pop(arn, None)
    _drop_tags(ctx, arn)
    return {}


def list_stages(ctx, params):
    items = [_stage_out(ctx, s, summary=True) for s in _ns(ctx, 'stages').values()]
    page, token = paginate(ctx, items, params)
    return {'stages': page, 'nextToken': token}


def create_participant_token(ctx, params):
    arn = params['stageArn']
    _stage(ctx, arn)
    return {'participantToken': _token(ctx, arn, params)}


def disconnect_participant(ctx, params):
    arn, pid = params['stageArn'], params['participantId']
    _stage(ctx, arn)
    session = _active_session(ctx, arn)
    p = session['participants'].get(pid) if session else None
    token = _ns(ctx, 'tokens').get(arn, {}).get(pid)
    if p is not None and p['state'] == 'CONNECTED':
        _disconnect(ctx, arn, session, p, reason=params.get('reason'))
    elif token is None:
        raise not_found(ctx, f'{arn}/participant/{pid}')
    if token is not None:
        token['revoked'] = True
    return {}


# ---------------------------------------------------------------------------------------------
# sessions, participants, events

def get_stage_session(ctx, params):
    arn = params['stageArn']
    _stage(ctx, arn)
    s = _find_session(ctx, arn, params['sessionId'])
    if s is None:
        raise not_found(ctx, params['sessionId'])
    return {'stageSession': {'sessionId': s['sessionId'], 'startTime': s['startTime'],
                             'endTime': s['endTime']}}


def list_stage_sessions(ctx, params):
    sessions = list(reversed(_ns(ctx, 'sessions').get(params['stageArn'], [])))  # newest first
    items = [{'sessionId': s['sessionId'], 'startTime': s['startTime'], 'endTime': s['endTime']}
             for s in sessions]
    page, token = paginate(ctx, items, params)
    return {'stageSessions': page, 'nextToken': token}


def get_participant(ctx, params):
    arn = params['stageArn']
    _stage(ctx, arn)
    s = _find_session(ctx, arn, params['sessionId'])
    if s is None:
        raise not_found(ctx, params['sessionId'])
    p = s['participants'].get(params['participantId'])
    if p is None:
        raise not_found(ctx, params['participantId'])
    return {'participant': _participant_out(p)}


_PARTICIPANT_FILTERS = ('filterByUserId', 'filterByPublished', 'filterByState',
                        'filterByRecordingState')


def list_participants(ctx, params):
    given = [f for f in _PARTICIPANT_FILTERS if params.get(f) is not None]
    if len(given) > 1:
        raise validation(ctx, 'Only one of filterByUserId, filterByPublished, filterByState or '
                              'filterByRecordingState can be provided per request.')
    s = _find_session(ctx, params['stageArn'], params['sessionId'])
    parts = list(s['participants'].values()) if s else []
    if params.get('filterByUserId') is not None:
        parts = [p for p in parts if p.get('userId') == params['filterByUserId']]
    if params.get('filterByPublished') is not None:
        parts = [p for p in parts if bool(p.get('published')) == params['filterByPublished']]
    if params.get('filterByState') is not None:
        parts = [p for p in parts if p.get('state') == params['filterByState']]
    if params.get('filterByRecordingState') is not None:
        parts = [p for p in parts if p.get('recordingState') == params['filterByRecordingState']]
    items = [_participant_out(p, summary=True) for p in parts]
    page, token = paginate(ctx, items, params)
    return {'participants': page, 'nextToken': token}


def list_participant_events(ctx, params):
    s = _find_session(ctx, params['stageArn'], params['sessionId'])
    events = [copy.deepcopy(e) for e in (s['events'] if s else [])
              if e['participantId'] == params['participantId']]
    page, token = paginate(ctx, events, params)
    return {'events': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# participant replication

def _stop_replica(ctx, r: dict) -> None:
    r['replicationState'] = 'STOPPED'
    dst = _find_session(ctx, r['destinationStageArn'], r['destinationSessionId'])
    if dst is not None:
        rp = dst['participants'].get(r['participantId'])
        if rp is not None:
            rp['replicationState'] = 'STOPPED'
            _disconnect(ctx, r['destinationStageArn'], dst, rp)
    src = _find_session(ctx, r['sourceStageArn'], r['sourceSessionId'])
    if src is not None:
        _add_event(ctx, src, r['participantId'], 'REPLICATION_STOPPED',
                   destinationStageArn=r['destinationStageArn'],
                   destinationSessionId=r['destinationSessionId'])
        sp = src['participants'].get(r['participantId'])
        if sp is not None and not any(
                x['replicationState'] == 'ACTIVE' and x['participantId'] == r['participantId']
                and x['sourceStageArn'] == r['sourceStageArn'] for x in ctx.state.get('replicas', [])):
            sp['replicationState'] = 'STOPPED'


def start_participant_replication(ctx, params):
    src_arn, dst_arn, pid = params['sourceStageArn'], params['destinationStageArn'], params['participantId']
    _stage(ctx, src_arn)
    _stage(ctx, dst_arn)
    if src_arn == dst_arn:
        raise validation(ctx, 'The source and destination stages must differ.')
    src = _active_session(ctx, src_arn)
    sp = src['participants'].get(pid) if src else None
    if sp is None or sp['state'] != 'CONNECTED':
        raise not_found(ctx, f'{src_arn}/participant/{pid}')
    replicas = ctx.state.setdefault('replicas', [])
    for r in replicas:
        if (r['sourceStageArn'] == src_arn and r['destinationStageArn'] == dst_arn
                and r['participantId'] == pid and r['replicationState'] == 'ACTIVE'):
            raise conflict(ctx, f'Participant {pid} is already replicated to {dst_arn}.')
    fields = {'userId': sp.get('userId', ''), 'published': sp.get('published', False),
              'replicationType': 'REPLICA', 'replicationState': 'ACTIVE',
              'sourceStageArn': src_arn, 'sourceSessionId': src['sessionId'],
              'attributes': params.get('attributes', sp.get('attributes', {}))}
    dst, _ = _join(ctx, dst_arn, fields, participant_id=pid)
    sp['replicationType'] = 'SOURCE'
    sp['replicationState'] = 'ACTIVE'
    replicas.append({'sourceStageArn': src_arn, 'participantId': pid,
                     'sourceSessionId': src['sessionId'], 'destinationStageArn': dst_arn,
                     'destinationSessionId': dst['sessionId'], 'replicationState': 'ACTIVE'})
    _add_event(ctx, src, pid, 'REPLICATION_STARTED', destinationStageArn=dst_arn,
               destinationSessionId=dst['sessionId'])
    return {}


def stop_participant_replication(ctx, params):
    src_arn, dst_arn, pid = params['sourceStageArn'], params['destinationStageArn'], params['participantId']
    _stage(ctx, src_arn)
    _stage(ctx, dst_arn)
    for r in ctx.state.get('replicas', []):
        if (r['sourceStageArn'] == src_arn and r['destinationStageArn'] == dst_arn
                and r['participantId'] == pid and r['replicationState'] == 'ACTIVE'):
            _stop_replica(ctx, r)
            return {}
    raise not_found(ctx, f'{src_arn}/participant/{pid}/replica/{_arn_id(dst_arn)}')


def list_participant_replicas(ctx, params):
    items = [dict(r) for r in ctx.state.get('replicas', [])
             if r['sourceStageArn'] == params['sourceStageArn']
             and r['participantId'] == params['participantId']]
    page, token = paginate(ctx, items, params)
    return {'replicas': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# encoder and storage configurations

_VIDEO_DEFAULTS = {'width': 1280, 'height': 720, 'framerate': 30.0, 'bitrate': 2500000}


def _encoder_out(ctx, e: dict, summary: bool = False) -> dict:
    out = {'arn': e['arn'], 'name': e['name'], 'tags': _tags(ctx, e['arn'])}
    if not summary:
        out['video'] = dict(e['video'])
    return out


def create_encoder_configuration(ctx, params):
    _check_quota(ctx, 'encoders', 'encoder configurations')
    arn = ctx.arn('encoder-configuration', new_id(12))
    video = {**_VIDEO_DEFAULTS, **params.get('video', {})}
    video['framerate'] = float(video['framerate'])
    common.set_tags(ctx, arn, params.get('tags'))
    e = {'arn': arn, 'name': params.get('name', ''), 'video': video}
    _ns(ctx, 'encoders')[arn] = e
    return {'encoderConfiguration': _encoder_out(ctx, e)}


def get_encoder_configuration(ctx, params):
    return {'encoderConfiguration': _encoder_out(ctx, _get(ctx, 'encoders', params['arn']))}


def _compositions_using(ctx, arn: str) -> list:
    out = []
    for c in _ns(ctx, 'compositions').values():
        if c['state'] not in ('STARTING', 'ACTIVE'):
            continue
        for d in c['destinations']:
            cfg = d['configuration']
            used = {cfg.get('channel', {}).get('encoderConfigurationArn'),
                    cfg.get('s3', {}).get('storageConfigurationArn'),
                    *cfg.get('s3', {}).get('encoderConfigurationArns', [])}
            if arn in used:
                out.append(c['arn'])
                break
    return out


def delete_encoder_configuration(ctx, params):
    arn = params['arn']
    _get(ctx, 'encoders', arn)
    users = _compositions_using(ctx, arn)
    if users:
        raise conflict(ctx, f'Encoder configuration {arn} is in use by composition {users[0]}.')
    del _ns(ctx, 'encoders')[arn]
    _drop_tags(ctx, arn)
    return {}


def list_encoder_configurations(ctx, params):
    items = [_encoder_out(ctx, e, summary=True) for e in _ns(ctx, 'encoders').values()]
    page, token = paginate(ctx, items, params)
    return {'encoderConfigurations': page, 'nextToken': token}


def _storage_out(ctx, s: dict) -> dict:
    return {'arn': s['arn'], 'name': s['name'], 's3': dict(s['s3']), 'tags': _tags(ctx, s['arn'])}


def create_storage_configuration(ctx, params):
    _check_quota(ctx, 'storages', 'storage configurations')
    arn = ctx.arn('storage-configuration', new_id(12))
    common.set_tags(ctx, arn, params.get('tags'))
    s = {'arn': arn, 'name': params.get('name', ''), 's3': dict(params['s3'])}
    _ns(ctx, 'storages')[arn] = s
    return {'storageConfiguration': _storage_out(ctx, s)}


def get_storage_configuration(ctx, params):
    return {'storageConfiguration': _storage_out(ctx, _get(ctx, 'storages', params['arn']))}


def delete_storage_configuration(ctx, params):
    arn = params['arn']
    _get(ctx, 'storages', arn)
    for stage in _ns(ctx, 'stages').values():
        if stage['autoParticipantRecordingConfiguration'].get('storageConfigurationArn') == arn:
            raise conflict(ctx, f'Storage configuration {arn} is in use by stage {stage["arn"]}.')
    users = _compositions_using(ctx, arn)
    if users:
        raise conflict(ctx, f'Storage configuration {arn} is in use by composition {users[0]}.')
    del _ns(ctx, 'storages')[arn]
    _drop_tags(ctx, arn)
    return {}


def list_storage_configurations(ctx, params):
    items = [_storage_out(ctx, s) for s in _ns(ctx, 'storages').values()]
    page, token = paginate(ctx, items, params)
    return {'storageConfigurations': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# compositions

_GRID_DEFAULTS = {'featuredParticipantAttribute': '', 'omitStoppedVideo': False,
                  'videoAspectRatio': 'VIDEO', 'videoFillMode': 'COVER', 'gridGap': 2,
                  'participantOrderAttribute': ''}
_PIP_DEFAULTS = {'featuredParticipantAttribute': '', 'omitStoppedVideo': False,
                 'videoFillMode': 'COVER', 'gridGap': 0, 'pipParticipantAttribute': '',
                 'pipBehavior': 'STATIC', 'pipOffset': 0, 'pipPosition': 'BOTTOM_RIGHT',
                 'participantOrderAttribute': ''}


def _ivs_channel(ctx, channel_arn: str) -> dict | None:
    """The ivs service's record of a channel in this account and region (services/ivs.py keeps
    channels in its 'channels' table by ARN; a live one has a '_stream')."""
    channels = common.state_for(ctx.account, ctx.region, 'ivs').get('channels')
    return channels.get(channel_arn) if isinstance(channels, dict) else None


def _channel_is_live(ctx, channel_arn: str) -> bool:
    rec = _ivs_channel(ctx, channel_arn)
    return bool(rec.get('_stream')) if isinstance(rec, dict) else False


def _composition_summary(ctx, c: dict) -> dict:
    return {'arn': c['arn'], 'stageArn': c['stageArn'], 'state': c['state'],
            'destinations': [{k: d[k] for k in ('id', 'state', 'startTime', 'endTime') if d.get(k)}
                             for d in c['destinations']],
            'tags': _tags(ctx, c['arn']), 'startTime': c['startTime'], 'endTime': c['endTime']}


def _composition_out(ctx, c: dict, state: str | None = None) -> dict:
    out = {'arn': c['arn'], 'stageArn': c['stageArn'], 'state': state or c['state'],
           'layout': copy.deepcopy(c['layout']), 'destinations': [],
           'tags': _tags(ctx, c['arn']), 'startTime': c['startTime'], 'endTime': c['endTime']}
    for d in c['destinations']:
        dd = {k: copy.deepcopy(v) for k, v in d.items() if v is not None}
        if state:
            dd['state'] = state
        out['destinations'].append(dd)
    return out


def start_composition(ctx, params):
    stage_arn = params['stageArn']
    _stage(ctx, stage_arn)
    token = params.get('idempotencyToken')
    comps = _ns(ctx, 'compositions')
    if token:
        for c in comps.values():
            if c.get('_idempotencyToken') == token and c['stageArn'] == stage_arn:
                return {'composition': _composition_out(ctx, c)}
    layout = params.get('layout') or {'grid': {}}
    if 'grid' in layout and 'pip' in layout:
        raise validation(ctx, 'Only one of grid or pip can be specified in layout.')
    if 'pip' in layout:
        layout = {'pip': {**_PIP_DEFAULTS, **layout['pip']}}
    else:
        layout = {'grid': {**_GRID_DEFAULTS, **layout.get('grid', {})}}
    active = sum(1 for c in comps.values() if c['state'] in ('STARTING', 'ACTIVE'))
    _check_quota(ctx, 'compositions', 'concurrent compositions', active)
    arn = ctx.arn('composition', new_id(12))
    now = ctx.now()
    destinations = []
    encoders, storages = _ns(ctx, 'encoders'), _ns(ctx, 'storages')
    for i, dcfg in enumerate(params['destinations']):
        has = [k for k in ('channel', 's3') if k in dcfg]
        if len(has) != 1:
            raise validation(ctx, f'destinations[{i}] must specify exactly one of channel or s3.')
        cfg = copy.deepcopy(dcfg)
        cfg.setdefault('name', '')
        did = new_id(12)
        dest = {'id': did, 'state': 'ACTIVE', 'startTime': now, 'endTime': None,
                'configuration': cfg}
        if 'channel' in cfg:
            ch = cfg['channel']
            rec = _ivs_channel(ctx, ch['channelArn'])
            if rec is None:
                raise not_found(ctx, ch['channelArn'])
            if _channel_is_live(ctx, ch['channelArn']):
                raise conflict(ctx, f'Channel {ch["channelArn"]} is live; a composition needs an '
                                    'offline channel.')
            if ch.get('encoderConfigurationArn') and ch['encoderConfigurationArn'] not in encoders:
                raise not_found(ctx, ch['encoderConfigurationArn'])
        else:
            s3 = cfg['s3']
            if s3['storageConfigurationArn'] not in storages:
                raise not_found(ctx, s3['storageConfigurationArn'])
            for e in s3['encoderConfigurationArns']:
                if e not in encoders:
                    raise not_found(ctx, e)
            rc = s3.setdefault('recordingConfiguration', {})
            rc.setdefault('format', 'HLS')
            rc.setdefault('hlsConfiguration', {}).setdefault('targetSegmentDurationSeconds', 2)
            if not s3.get('thumbnailConfigurations'):
                s3['thumbnailConfigurations'] = [{'targetIntervalSeconds': 60,
                                                  'storage': ['SEQUENTIAL']}]
            dest['detail'] = {'s3': {'recordingPrefix': f'{_arn_id(arn)}/{did}'}}
        destinations.append(dest)
    common.set_tags(ctx, arn, params.get('tags'))
    c = {'arn': arn, 'stageArn': stage_arn, 'state': 'ACTIVE', 'layout': layout,
         'destinations': destinations, 'startTime': now, 'endTime': None}
    if token:
        c['_idempotencyToken'] = token
    comps[arn] = c
    # AWS answers STARTING and moves on to ACTIVE asynchronously; ivs-local is ACTIVE at once.
    return {'composition': _composition_out(ctx, c, state='STARTING')}


def _stop_composition(ctx, c: dict) -> None:
    now = ctx.now()
    c['state'] = 'STOPPED'
    c['endTime'] = now
    for d in c['destinations']:
        d['state'] = 'STOPPED'
        d['endTime'] = now


def get_composition(ctx, params):
    return {'composition': _composition_out(ctx, _get(ctx, 'compositions', params['arn']))}


def stop_composition(ctx, params):
    c = _get(ctx, 'compositions', params['arn'])
    if c['state'] in ('STARTING', 'ACTIVE'):
        _stop_composition(ctx, c)
    return {}


def list_compositions(ctx, params):
    comps = list(_ns(ctx, 'compositions').values())
    if params.get('filterByStageArn'):
        comps = [c for c in comps if c['stageArn'] == params['filterByStageArn']]
    if params.get('filterByEncoderConfigurationArn'):
        e = params['filterByEncoderConfigurationArn']
        comps = [c for c in comps if any(
            e == d['configuration'].get('channel', {}).get('encoderConfigurationArn')
            or e in d['configuration'].get('s3', {}).get('encoderConfigurationArns', [])
            for d in c['destinations'])]
    items = [_composition_summary(ctx, c) for c in comps]
    page, token = paginate(ctx, items, params)
    return {'compositions': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# public keys

_PEM_RE = re.compile(r'-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----')
# DER prefix of a SubjectPublicKeyInfo for an uncompressed P-384 point:
# SEQUENCE { SEQUENCE { OID ecPublicKey, OID secp384r1 }, BIT STRING (0x00 0x04 || X || Y) }
_P384_SPKI_PREFIX = bytes.fromhex('3076301006072a8648ce3d020106052b81040022036200')


def _parse_p384_pem(ctx, pem: str) -> bytes:
    """The DER SubjectPublicKeyInfo of a P-384 public key PEM; ValidationException otherwise."""
    m = _PEM_RE.search(pem)
    try:
        der = base64.b64decode(''.join(m.group(1).split()), validate=True) if m else b''
    except (ValueError, TypeError):
        der = b''
    if not der:
        raise validation(ctx, 'publicKeyMaterial is not a PEM-encoded public key.')
    try:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import load_der_public_key
    except ImportError:  # stdlib only: check the DER structure of a P-384 key
        if not (len(der) == 120 and der.startswith(_P384_SPKI_PREFIX) and der[23] == 4):
            raise validation(ctx, 'publicKeyMaterial must be an ECDSA public key on the '
                                  'P-384 curve.') from None
        return der
    try:
        key = load_der_public_key(der)
    except (ValueError, TypeError):
        raise validation(ctx, 'publicKeyMaterial is not a valid public key.') from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != 'secp384r1':
        raise validation(ctx, 'publicKeyMaterial must be an ECDSA public key on the P-384 curve.')
    return der


def _fingerprint(der: bytes) -> str:
    # The same digest as the ivs service's playback key pairs (services/ivs.py).
    return ':'.join(f'{b:02x}' for b in hashlib.sha256(der).digest())


def _public_key_out(ctx, k: dict, summary: bool = False) -> dict:
    out = {'arn': k['arn'], 'name': k['name'], 'tags': _tags(ctx, k['arn'])}
    if not summary:
        out['publicKeyMaterial'] = k['publicKeyMaterial']
        out['fingerprint'] = k['fingerprint']
    return out


def import_public_key(ctx, params):
    der = _parse_p384_pem(ctx, params['publicKeyMaterial'])
    fp = _fingerprint(der)
    keys = _ns(ctx, 'publicKeys')
    for k in keys.values():
        if k['fingerprint'] == fp:
            raise conflict(ctx, f'This public key has already been imported as {k["arn"]}.')
    _check_quota(ctx, 'publicKeys', 'public keys')
    arn = ctx.arn('public-key', new_id(12))
    common.set_tags(ctx, arn, params.get('tags'))
    k = {'arn': arn, 'name': params.get('name', ''),
         'publicKeyMaterial': params['publicKeyMaterial'], 'fingerprint': fp}
    keys[arn] = k
    return {'publicKey': _public_key_out(ctx, k)}


def get_public_key(ctx, params):
    return {'publicKey': _public_key_out(ctx, _get(ctx, 'publicKeys', params['arn']))}


def delete_public_key(ctx, params):
    arn = params['arn']
    _get(ctx, 'publicKeys', arn)
    del _ns(ctx, 'publicKeys')[arn]
    _drop_tags(ctx, arn)
    return {}


def list_public_keys(ctx, params):
    items = [_public_key_out(ctx, k, summary=True) for k in _ns(ctx, 'publicKeys').values()]
    page, token = paginate(ctx, items, params)
    return {'publicKeys': page, 'nextToken': token}


# ---------------------------------------------------------------------------------------------
# ingest configurations

def _stream_key(ctx, ingest_id: str) -> str:
    return f"rt_{ctx.account}_{ctx.region}_{ingest_id}_{''.join(secrets.choice(_ALNUM) for _ in range(32))}"


def _ingest_out(ctx, i: dict, summary: bool = False) -> dict:
    keys = (('name', 'arn', 'ingestProtocol', 'stageArn', 'participantId', 'state', 'userId',
             'redundantIngest') if summary else
            ('name', 'arn', 'ingestProtocol', 'streamKey', 'stageArn', 'participantId', 'state',
             'userId', 'redundantIngest', 'redundantIngestCredentials', 'attributes'))
    out = {k: copy.deepcopy(i[k]) for k in keys if k in i}
    if not summary:
        out['tags'] = _tags(ctx, i['arn'])
    return out


def _redundant_credentials(ctx, i: dict) -> list:
    return [{'participantId': i['participantId'], 'streamKey': i['streamKey']},
            {'participantId': new_id(12), 'streamKey': _stream_key(ctx, _arn_id(i['arn']))}]


def create_ingest_configuration(ctx, params):
    if params['ingestProtocol'] == 'RTMP' and not params.get('insecureIngest'):
        raise validation(ctx, 'insecureIngest must be true when ingestProtocol is RTMP.')
    stage_arn = params.get('stageArn', '')
    if stage_arn and stage_arn not in _ns(ctx, 'stages'):
        raise validation(ctx, f'Stage {stage_arn} does not exist.')
    _check_quota(ctx, 'ingests', 'ingest configurations')
    iid = new_id(12)
    arn = ctx.arn('ingest-configuration', iid)
    common.set_tags(ctx, arn, params.get('tags'))
    i = {'name': params.get('name', ''), 'arn': arn, 'ingestProtocol': params['ingestProtocol'],
         'streamKey': _stream_key(ctx, iid), 'stageArn': stage_arn,
         'participantId': new_id(12), 'state': 'INACTIVE', 'userId': params.get('userId', ''),
         'redundantIngest': bool(params.get('redundantIngest', False)),
         'attributes': dict(params.get('attributes', {})),
         'insecureIngest': bool(params.get('insecureIngest', False))}
    if i['redundantIngest']:
        i['redundantIngestCredentials'] = _redundant_credentials(ctx, i)
    _ns(ctx, 'ingests')[arn] = i
    return {'ingestConfiguration': _ingest_out(ctx, i)}


def get_ingest_configuration(ctx, params):
    return {'ingestConfiguration': _ingest_out(ctx, _get(ctx, 'ingests', params['arn']))}


def update_ingest_configuration(ctx, params):
    i = _get(ctx, 'ingests', params['arn'])
    if 'stageArn' in params:
        stage_arn = params['stageArn']
        if stage_arn and stage_arn not in _ns(ctx, 'stages'):
            raise not_found(ctx, stage_arn)
        if i['state'] == 'ACTIVE' and stage_arn != i['stageArn']:
            raise conflict(ctx, f'Ingest configuration {i["arn"]} is in use (state ACTIVE).')
        i['stageArn'] = stage_arn
    if 'redundantIngest' in params:
        i['redundantIngest'] = bool(params['redundantIngest'])
        if i['redundantIngest'] and not i.get('redundantIngestCredentials'):
            i['redundantIngestCredentials'] = _redundant_credentials(ctx, i)
        elif not i['redundantIngest']:
            i.pop('redundantIngestCredentials', None)
    return {'ingestConfiguration': _ingest_out(ctx, i)}


def delete_ingest_configuration(ctx, params):
    arn = params['arn']
    i = _get(ctx, 'ingests', arn)
    if i['state'] == 'ACTIVE':
        if not params.get('force'):
            raise conflict(ctx, f'Ingest configuration {arn} is active; use force to delete it.')
        _stop_ingest(ctx, i)
    del _ns(ctx, 'ingests')[arn]
    _drop_tags(ctx, arn)
    return {}


def list_ingest_configurations(ctx, params):
    items = list(_ns(ctx, 'ingests').values())
    if params.get('filterByStageArn'):
        items = [i for i in items if i['stageArn'] == params['filterByStageArn']]
    if params.get('filterByState'):
        items = [i for i in items if i['state'] == params['filterByState']]
    page, token = paginate(ctx, [_ingest_out(ctx, i, summary=True) for i in items], params)
    return {'ingestConfigurations': page, 'nextToken': token}


def _stop_ingest(ctx, i: dict) -> None:
    stage_arn = i.get('_participantStage')
    session = _active_session(ctx, stage_arn) if stage_arn else None
    p = session['participants'].get(i['participantId']) if session else None
    if p is not None:
        _disconnect(ctx, stage_arn, session, p)
    i['state'] = 'INACTIVE'
    i.pop('_participantStage', None)


# ---------------------------------------------------------------------------------------------
# tags

def _ivs_exists(ctx, arn: str) -> bool:
    # ivs and ivs-realtime share one tag store, so either service answers for either's ARNs.
    try:
        from . import ivs
        table = ivs.TABLES.get(common.parse_arn(arn)['resourceType'])
    except (ImportError, AttributeError, ValueError):
        return False
    return table is not None and arn in common.state_for(ctx.account, ctx.region, 'ivs').get(table, {})


def tag_operation(ctx, params):
    return common.tag_ops(ctx, params, lambda arn: exists(ctx, arn) or _ivs_exists(ctx, arn))


HANDLERS = {
    'CreateStage': create_stage,
    'GetStage': get_stage,
    'UpdateStage': update_stage,
    'DeleteStage': delete_stage,
    'ListStages': list_stages,
    'CreateParticipantToken': create_participant_token,
    'DisconnectParticipant': disconnect_participant,
    'GetStageSession': get_stage_session,
    'ListStageSessions': list_stage_sessions,
    'GetParticipant': get_participant,
    'ListParticipants': list_participants,
    'ListParticipantEvents': list_participant_events,
    'StartParticipantReplication': start_participant_replication,
    'StopParticipantReplication': stop_participant_replication,
    'ListParticipantReplicas': list_participant_replicas,
    'CreateEncoderConfiguration': create_encoder_configuration,
    'GetEncoderConfiguration': get_encoder_configuration,
    'DeleteEncoderConfiguration': delete_encoder_configuration,
    'ListEncoderConfigurations': list_encoder_configurations,
    'CreateStorageConfiguration': create_storage_configuration,
    'GetStorageConfiguration': get_storage_configuration,
    'DeleteStorageConfiguration': delete_storage_configuration,
    'ListStorageConfigurations': list_storage_configurations,
    'StartComposition': start_composition,
    'GetComposition': get_composition,
    'StopComposition': stop_composition,
    'ListCompositions': list_compositions,
    'ImportPublicKey': import_public_key,
    'GetPublicKey': get_public_key,
    'DeletePublicKey': delete_public_key,
    'ListPublicKeys': list_public_keys,
    'CreateIngestConfiguration': create_ingest_configuration,
    'GetIngestConfiguration': get_ingest_configuration,
    'UpdateIngestConfiguration': update_ingest_configuration,
    'DeleteIngestConfiguration': delete_ingest_configuration,
    'ListIngestConfigurations': list_ingest_configurations,
    'TagResource': tag_operation,
    'UntagResource': tag_operation,
    'ListTagsForResource': tag_operation,
}


# ---------------------------------------------------------------------------------------------
# control API (/_local/...)

def _missing(ctx, what: str) -> ServiceError:
    err = not_found(ctx, what)
    err.status = 404
    return err


def _bad(message: str) -> ServiceError:
    return ServiceError('ValidationException', message, 400)


def _control_ctx(body: dict, key: str = 'stageArn') -> common.Context:
    arn = body.get(key)
    if not isinstance(arn, str) or not arn:
        raise _bad(f'{key} is required')
    try:
        p = common.parse_arn(arn)
    except ValueError as e:
        raise _bad(str(e)) from None
    return common.Context(SERVICE, 'control', p['account'], p['region'], 'ivs-local-control')


def _time(value, name: str):
    if value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        t = datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
        return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise _bad(f'{name} must be an ISO 8601 time or epoch seconds') from None


def _json_participant(p: dict) -> dict:
    out = _participant_out(p)
    out['firstJoinTime'] = p['firstJoinTime'].isoformat().replace('+00:00', 'Z')
    return out


def control_add_participant(state, body):
    """POST /_local/stages/participants {stageArn, participantId?, userId?, attributes?,
    state?, published?, protocol?, ...Participant members}: a participant joins the stage's
    active session (one is started if none is active). A participantId from
    CreateParticipantToken takes that token's userId and attributes."""
    ctx = _control_ctx(body)
    stage_arn = body['stageArn']
    if stage_arn not in _ns(ctx, 'stages'):
        raise _missing(ctx, stage_arn)
    if body.get('state') not in (None, 'CONNECTED', 'DISCONNECTED'):
        raise _bad('state must be CONNECTED or DISCONNECTED')
    fields = {k: body[k] for k in PARTICIPANT_FIELDS if k in body}
    if 'firstJoinTime' in body:
        fields['firstJoinTime'] = _time(body['firstJoinTime'], 'firstJoinTime')
    with ctx.lock:
        session, p = _join(ctx, stage_arn, fields, participant_id=body.get('participantId'))
        if p['state'] == 'DISCONNECTED':
            _add_event(ctx, session, p['participantId'], 'LEFT')
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'],
                'participant': _json_participant(p)}


def control_disconnect_participant(state, body):
    """POST /_local/stages/participants/disconnect {stageArn, participantId, reason?}: the
    participant leaves; the session ends when nobody is left connected."""
    ctx = _control_ctx(body)
    stage_arn = body['stageArn']
    with ctx.lock:
        if stage_arn not in _ns(ctx, 'stages'):
            raise _missing(ctx, stage_arn)
        session = _active_session(ctx, stage_arn)
        pid = body.get('participantId')
        p = session['participants'].get(pid) if session and pid else None
        if p is None:
            raise _missing(ctx, f'{stage_arn}/participant/{pid}')
        _disconnect(ctx, stage_arn, session, p, reason=body.get('reason'))
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'],
                'sessionEnded': session['endTime'] is not None,
                'participant': _json_participant(p)}


def control_add_event(state, body):
    """POST /_local/stages/events {stageArn, sessionId?, participantId, name, eventTime?,
    remoteParticipantId?, errorCode?, destinationStageArn?, destinationSessionId?, replica?}:
    appends a participant event (sessionId defaults to the active session)."""
    ctx = _control_ctx(body)
    stage_arn = body['stageArn']
    with ctx.lock:
        if stage_arn not in _ns(ctx, 'stages'):
            raise _missing(ctx, stage_arn)
        sid = body.get('sessionId')
        session = _find_session(ctx, stage_arn, sid) if sid else _active_session(ctx, stage_arn)
        if session is None:
            raise _missing(ctx, sid or f'{stage_arn} (no active session)')
        if body.get('name') not in EVENT_NAMES:
            raise _bad(f'name must be one of {", ".join(EVENT_NAMES)}')
        if body.get('errorCode') is not None and body['errorCode'] not in EVENT_ERROR_CODES:
            raise _bad(f'errorCode must be one of {", ".join(EVENT_ERROR_CODES)}')
        pid = body.get('participantId')
        if not isinstance(pid, str) or not pid:
            raise _bad('participantId is required')
        extra = {k: body.get(k) for k in ('remoteParticipantId', 'errorCode',
                                          'destinationStageArn', 'destinationSessionId',
                                          'replica', 'previousToken', 'newToken')}
        ev = _add_event(ctx, session, pid, body['name'],
                        eventTime=_time(body.get('eventTime'), 'eventTime'), **extra)
        out = dict(ev)
        out['eventTime'] = ev['eventTime'].isoformat().replace('+00:00', 'Z')
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'], 'event': out}


def control_end_session(state, body):
    """POST /_local/stages/sessions/end {stageArn}: disconnects everyone and ends the active
    session."""
    ctx = _control_ctx(body)
    stage_arn = body['stageArn']
    with ctx.lock:
        if stage_arn not in _ns(ctx, 'stages'):
            raise _missing(ctx, stage_arn)
        session = _active_session(ctx, stage_arn)
        _end_session(ctx, stage_arn)
        return {'stageArn': stage_arn, 'sessionId': session['sessionId'] if session else None}


def control_ingest_start(state, body):
    """POST /_local/ingest/start {arn}: an RTMP(S) publisher starts on the ingest configuration:
    it becomes ACTIVE and its participant joins the configured stage, publishing."""
    ctx = _control_ctx(body, 'arn')
    with ctx.lock:
        i = _ns(ctx, 'ingests').get(body['arn'])
        if i is None:
            raise _missing(ctx, body['arn'])
        if not i['stageArn'] or i['stageArn'] not in _ns(ctx, 'stages'):
            raise ServiceError('ConflictException', 'The ingest configuration has no stage.', 409,
                               exceptionMessage='The ingest configuration has no stage.')
        if i['state'] == 'ACTIVE':
            raise ServiceError('ConflictException', 'The ingest configuration is already active.',
                               409, exceptionMessage='The ingest configuration is already active.')
        fields = {'userId': i.get('userId', ''), 'attributes': i.get('attributes', {}),
                  'published': True, 'protocol': i['ingestProtocol'],
                  'ingestConfigurationArn': i['arn'], 'redundantIngest': i['redundantIngest']}
        session, p = _join(ctx, i['stageArn'], fields, participant_id=i['participantId'])
        i['state'] = 'ACTIVE'
        i['_participantStage'] = i['stageArn']
        return {'ingestConfiguration': {'arn': i['arn'], 'state': i['state']},
                'sessionId': session['sessionId'], 'participant': _json_participant(p)}


def control_ingest_stop(state, body):
    """POST /_local/ingest/stop {arn}: the RTMP(S) publisher stops."""
    ctx = _control_ctx(body, 'arn')
    with ctx.lock:
        i = _ns(ctx, 'ingests').get(body['arn'])
        if i is None:
            raise _missing(ctx, body['arn'])
        _stop_ingest(ctx, i)
        return {'ingestConfiguration': {'arn': i['arn'], 'state': i['state']}}


CONTROL = {
    'stages/participants': control_add_participant,
    'stages/participants/disconnect': control_disconnect_participant,
    'stages/events': control_add_event,
    'stages/sessions/end': control_end_session,
    'ingest/start': control_ingest_start,
    'ingest/stop': control_ingest_stop,
}
