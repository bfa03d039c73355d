"""Compositions: a stage's participants mixed into one layout and sent to IVS channels or S3."""
from __future__ import annotations

import copy

from ...common import arn_id, conflict, filtered, new_id, not_found, validation
from ...resources import Resource
from .. import ivs
from . import SERVICE, encoder_configurations, stages, storage_configurations

RUNNING = ('STARTING', 'ACTIVE')

# The quota counts concurrent compositions (from the IVS Real-Time service-quotas page).
COMPOSITIONS = Resource(SERVICE, 'composition', limit=5, label='concurrent compositions',
                        counted=lambda c: c['state'] in RUNNING)

_GRID_DEFAULTS = {'featuredParticipantAttribute': '', 'omitStoppedVideo': False,
                  'videoAspectRatio': 'VIDEO', 'videoFillMode': 'COVER', 'gridGap': 2,
                  'participantOrderAttribute': ''}
_PIP_DEFAULTS = {'featuredParticipantAttribute': '', 'omitStoppedVideo': False,
                 'videoFillMode': 'COVER', 'gridGap': 0, 'pipParticipantAttribute': '',
                 'pipBehavior': 'STATIC', 'pipOffset': 0, 'pipPosition': 'BOTTOM_RIGHT',
                 'participantOrderAttribute': ''}


def _destination(ctx, i: int, dcfg: dict, arn: str, now) -> dict:
    """A destination record from its configuration, after checking what it refers to."""
    if len([k for k in ('channel', 's3') if k in dcfg]) != 1:
        raise validation(ctx, f'destinations[{i}] must specify exactly one of channel or s3.')
    cfg = copy.deepcopy(dcfg)
    cfg.setdefault('name', '')
    did = new_id(12)
    dest = {'id': did, 'state': 'ACTIVE', 'startTime': now, 'endTime': None, 'configuration': cfg}
    encoders = encoder_configurations.ENCODER_CONFIGURATIONS.table(ctx)
    if 'channel' in cfg:
        ch = cfg['channel']
        channel = ivs.CHANNELS.table(ctx).find(ch['channelArn'])
        if channel is None:
            raise not_found(ctx, ch['channelArn'])
        if ivs.is_live(channel):
            raise conflict(ctx, f'Channel {ch["channelArn"]} is live; a composition needs an offline channel.')
        if ch.get('encoderConfigurationArn') and ch['encoderConfigurationArn'] not in encoders:
            raise not_found(ctx, ch['encoderConfigurationArn'])
        return dest
    s3 = cfg['s3']
    if s3['storageConfigurationArn'] not in storage_configurations.STORAGE_CONFIGURATIONS.table(ctx):
        raise not_found(ctx, s3['storageConfigurationArn'])
    for e in s3['encoderConfigurationArns']:
        if e not in encoders:
            raise not_found(ctx, e)
    rc = s3.setdefault('recordingConfiguration', {})
    rc.setdefault('format', 'HLS')
    rc.setdefault('hlsConfiguration', {}).setdefault('targetSegmentDurationSeconds', 2)
    if not s3.get('thumbnailConfigurations'):
        s3['thumbnailConfigurations'] = [{'targetIntervalSeconds': 60, 'storage': ['SEQUENTIAL']}]
    dest['detail'] = {'s3': {'recordingPrefix': f'{arn_id(arn)}/{did}'}}
    return dest


def start_composition(ctx, params):
    stage_arn = params['stageArn']
    stages.STAGES.table(ctx).get(stage_arn)
    compositions = COMPOSITIONS.table(ctx)
    token = params.get('idempotencyToken')
    if token:
        for c in compositions:
            if c.get('_idempotencyToken') == token and c['stageArn'] == stage_arn:
                return {'composition': compositions.view(c)}
    layout = params.get('layout') or {'grid': {}}
    if 'grid' in layout and 'pip' in layout:
        raise validation(ctx, 'Only one of grid or pip can be specified in layout.')
    if 'pip' in layout:
        layout = {'pip': {**_PIP_DEFAULTS, **layout['pip']}}
    else:
        layout = {'grid': {**_GRID_DEFAULTS, **layout.get('grid', {})}}
    arn = compositions.new_arn()
    now = ctx.now()
    destinations = [_destination(ctx, i, d, arn, now) for i, d in enumerate(params['destinations'])]
    c = {'arn': arn, 'stageArn': stage_arn, 'state': 'ACTIVE', 'layout': layout,
         'destinations': destinations, 'startTime': now, 'endTime': None}
    if token:
        c['_idempotencyToken'] = token
    compositions.add(c, params.get('tags'))
    # AWS answers STARTING and moves on to ACTIVE asynchronously; ivs-local is ACTIVE at once.
    out = compositions.view(c)
    out['state'] = 'STARTING'
    for d in out['destinations']:
        d['state'] = 'STARTING'
    return {'composition': out}


def _stop(ctx, c: dict) -> None:
    now = ctx.now()
    c['state'] = 'STOPPED'
    c['endTime'] = now
    for d in c['destinations']:
        d['state'] = 'STOPPED'
        d['endTime'] = now


def stage_deleted(ctx, stage_arn: str) -> None:
    """A deleted stage's running compositions stop."""
    for c in COMPOSITIONS.table(ctx):
        if c['stageArn'] == stage_arn and c['state'] in RUNNING:
            _stop(ctx, c)


def refuse_if_used(ctx, arn: str, what: str) -> None:
    """ConflictException while a running composition uses the encoder or storage configuration arn."""
    for c in COMPOSITIONS.table(ctx):
        if c['state'] not in RUNNING:
            continue
        for d in c['destinations']:
            cfg = d['configuration']
            used = {cfg.get('channel', {}).get('encoderConfigurationArn'),
                    cfg.get('s3', {}).get('storageConfigurationArn'),
                    *cfg.get('s3', {}).get('encoderConfigurationArns', [])}
            if arn in used:
                raise conflict(ctx, f'{what} {arn} is in use by composition {c["arn"]}.')


def stop_composition(ctx, params):
    c = COMPOSITIONS.table(ctx).get(params['arn'])
    if c['state'] in RUNNING:
        _stop(ctx, c)
    return {}


def _encodes_with(c: dict, encoder_arn: str) -> bool:
    return any(encoder_arn == d['configuration'].get('channel', {}).get('encoderConfigurationArn')
               or encoder_arn in d['configuration'].get('s3', {}).get('encoderConfigurationArns', [])
               for d in c['destinations'])


FILTERS = {'filterByStageArn': lambda c, v: c['stageArn'] == v, 'filterByEncoderConfigurationArn': _encodes_with}


def list_compositions(ctx, params):
    compositions = COMPOSITIONS.table(ctx)
    return compositions.page(params, 'compositions', filtered(compositions, params, FILTERS))


HANDLERS = {
    'StartComposition': start_composition,
    'GetComposition': COMPOSITIONS.get_handler('composition'),
    'StopComposition': stop_composition,
    'ListCompositions': list_compositions,
}
