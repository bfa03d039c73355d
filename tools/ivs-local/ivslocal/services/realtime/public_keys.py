"""Public keys: the P-384 keys whose private halves sign participant tokens made outside AWS."""
from __future__ import annotations

from ...common import conflict, validation
from ...publickeys import fingerprint, p384_public_key_der
from ...resources import Resource
from . import SERVICE

# The quota is our best reading of AWS's default (the service-quotas page does not list it).
PUBLIC_KEYS = Resource(SERVICE, 'public-key', limit=3)


def import_public_key(ctx, params):
    try:
        fp = fingerprint(p384_public_key_der(params['publicKeyMaterial']))
    except ValueError as e:
        raise validation(ctx, f'publicKeyMaterial is {e}.') from None
    keys = PUBLIC_KEYS.table(ctx)
    for k in keys:
        if k['fingerprint'] == fp:
            raise conflict(ctx, f'This public key has already been imported as {k["arn"]}.')
    k = keys.create({'name': params.get('name', ''), 'publicKeyMaterial': params['publicKeyMaterial'],
                     'fingerprint': fp}, params.get('tags'))
    return {'publicKey': keys.view(k)}


HANDLERS = {
    'ImportPublicKey': import_public_key,
    'GetPublicKey': PUBLIC_KEYS.get_handler('publicKey'),
    'DeletePublicKey': PUBLIC_KEYS.delete_handler(),
    'ListPublicKeys': PUBLIC_KEYS.list_handler('publicKeys'),
}
