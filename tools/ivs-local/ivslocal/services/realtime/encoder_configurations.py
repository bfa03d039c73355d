"""Encoder configurations: the video settings compositions encode with."""
from __future__ import annotations

from ...resources import Resource
from . import SERVICE, compositions

# From the IVS Real-Time service-quotas page.
ENCODER_CONFIGURATIONS = Resource(SERVICE, 'encoder-configuration', limit=20)

_VIDEO_DEFAULTS = {'width': 1280, 'height': 720, 'framerate': 30.0, 'bitrate': 2500000}


def create_encoder_configuration(ctx, params):
    video = {**_VIDEO_DEFAULTS, **params.get('video', {})}
    video['framerate'] = float(video['framerate'])
    table = ENCODER_CONFIGURATIONS.table(ctx)
    e = table.create({'name': params.get('name', ''), 'video': video}, params.get('tags'))
    return {'encoderConfiguration': table.view(e)}


HANDLERS = {
    'CreateEncoderConfiguration': create_encoder_configuration,
    'GetEncoderConfiguration': ENCODER_CONFIGURATIONS.get_handler('encoderConfiguration'),
    'DeleteEncoderConfiguration': ENCODER_CONFIGURATIONS.delete_handler(
        refuse=lambda ctx, arn: compositions.refuse_if_used(ctx, arn, 'Encoder configuration')),
    'ListEncoderConfigurations': ENCODER_CONFIGURATIONS.list_handler('encoderConfigurations'),
}
