"""Storage configurations: the S3 buckets compositions and participant recordings write to."""
from __future__ import annotations

from ...common import conflict
from ...resources import Resource
from . import SERVICE, compositions, stages

# The quota is our best reading of AWS's default (the service-quotas page does not list it).
STORAGE_CONFIGURATIONS = Resource(SERVICE, 'storage-configuration', limit=20)


def create_storage_configuration(ctx, params):
    table = STORAGE_CONFIGURATIONS.table(ctx)
    s = table.create({'name': params.get('name', ''), 's3': dict(params['s3'])}, params.get('tags'))
    return {'storageConfiguration': table.view(s)}


def _refuse_if_used(ctx, arn):
    for stage in stages.STAGES.table(ctx):
        if stage['autoParticipantRecordingConfiguration'].get('storageConfigurationArn') == arn:
            raise conflict(ctx, f'Storage configuration {arn} is in use by stage {stage["arn"]}.')
    compositions.refuse_if_used(ctx, arn, 'Storage configuration')


HANDLERS = {
    'CreateStorageConfiguration': create_storage_configuration,
    'GetStorageConfiguration': STORAGE_CONFIGURATIONS.get_handler('storageConfiguration'),
    'DeleteStorageConfiguration': STORAGE_CONFIGURATIONS.delete_handler(refuse=_refuse_if_used),
    'ListStorageConfigurations': STORAGE_CONFIGURATIONS.list_handler('storageConfigurations'),
}
