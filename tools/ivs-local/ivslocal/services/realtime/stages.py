"""Stages: create, read, update, delete, list; their endpoints and automatic participant recording."""
from __future__ import annotations

import copy
import hashlib

from ...common import not_found, validation
from ...resources import Resource
from . import SERVICE, compositions, ingest_configurations, participant_tokens, sessions, storage_configurations

# The quota is our best reading of AWS's default (the service-quotas page does not list it).
STAGES = Resource(SERVICE, 'stage', limit=1000)

_RECORDING_DEFAULTS = {
    'mediaTypes': ['AUDIO_VIDEO'],
    'thumbnailConfiguration': {'targetIntervalSeconds': 60, 'storage': ['SEQUENTIAL'],
                               'recordingMode': 'INTERVAL'},
    'recordingReconnectWindowSeconds': 0,
    'hlsConfiguration': {'targetSegmentDurationSeconds': 6},
    'recordParticipantReplicas': True,
}


def endpoints(ctx) -> dict:
    # AWS hands every stage of an account the same per-account host prefix.
    eid = hashlib.sha256(f'{ctx.account}:{ctx.region}'.encode()).hexdigest()[:12]
    return {
        'events': 'wss://global.events.live-video.net',
        'whip': f'https://{eid}.global-bm.whip.live-video.net',
        'rtmp': f'rtmp://{eid}.global-contribute-staging.live-video.net/app/',
        'rtmps': f'rtmps://{eid}.global-contribute-staging.live-video.net:443/app/',
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
    if arn and arn not in storage_configurations.STORAGE_CONFIGURATIONS.table(ctx):
        raise missing_storage(arn)
    return out


def _view(ctx, stage: dict) -> dict:
    return {**STAGES.table(ctx).view(stage), 'endpoints': endpoints(ctx)}


def create_stage(ctx, params):
    rec_cfg = _recording_config(
        ctx, params.get('autoParticipantRecordingConfiguration'),
        lambda a: validation(ctx, f'Storage configuration {a} does not exist.'))
    token_configurations = params.get('participantTokenConfigurations', [])
    for cfg in token_configurations:
        participant_tokens.check_attributes(ctx, cfg)
    stage = STAGES.table(ctx).create({'name': params.get('name', ''),
                                      'autoParticipantRecordingConfiguration': rec_cfg}, params.get('tags'))
    tokens = [participant_tokens.issue(ctx, stage['arn'], cfg) for cfg in token_configurations]
    out = {'stage': _view(ctx, stage)}
    if tokens:
        out['participantTokens'] = tokens
    return out


def get_stage(ctx, params):
    return {'stage': _view(ctx, STAGES.table(ctx).get(params['arn']))}


def update_stage(ctx, params):
    stage = STAGES.table(ctx).get(params['arn'])
    rec_cfg = stage['autoParticipantRecordingConfiguration']
    if 'autoParticipantRecordingConfiguration' in params:
        rec_cfg = _recording_config(ctx, params['autoParticipantRecordingConfiguration'],
                                    lambda a: not_found(ctx, a))
    if 'name' in params:
        stage['name'] = params['name']
    stage['autoParticipantRecordingConfiguration'] = rec_cfg
    return {'stage': _view(ctx, stage)}


def delete_stage(ctx, params):
    arn = params['arn']
    stages = STAGES.table(ctx)
    stages.get(arn)
    # AWS disconnects everyone, stops the stage's compositions and detaches ingest configurations.
    sessions.end_session(ctx, arn)
    compositions.stage_deleted(ctx, arn)
    ingest_configurations.stage_deleted(ctx, arn)
    stages.delete(arn)
    participant_tokens.forget(ctx, arn)
    return {}


HANDLERS = {
    'CreateStage': create_stage,
    'GetStage': get_stage,
    'UpdateStage': update_stage,
    'DeleteStage': delete_stage,
    'ListStages': STAGES.list_handler('stages'),
}
