"""ivs-realtime (Amazon IVS Real-Time Streaming), a module per resource family:

    stages                   stages, their endpoints and automatic participant recording
    participant_tokens       tokens issued for a stage
    sessions                 stage sessions, participants and participant events
    replication              participant replication between stages
    compositions             compositions
    encoder_configurations   encoder configurations
    storage_configurations   storage configurations
    public_keys              public keys
    ingest_configurations    RTMP(S) ingest configurations

Each declares its resource types (resources.Resource) and exposes HANDLERS, and CONTROL where the
control API drives it; this package joins them. Tags are the shared tag operations
(resources.tag_operation): ivs and ivs-realtime ARNs both say 'ivs', so each service's tag
operations reach the other's resources. The modules call each other through their public names;
state other than resource tables lives in ctx.state, described in the module that owns it.
"""
SERVICE = 'ivs-realtime'

from ...resources import TAG_HANDLERS  # noqa: E402 (the modules below import SERVICE)
from . import (compositions, encoder_configurations, ingest_configurations, participant_tokens,  # noqa: E402
               public_keys, replication, sessions, stages, storage_configurations)

_MODULES = (stages, participant_tokens, sessions, replication, encoder_configurations, storage_configurations,
            compositions, public_keys, ingest_configurations)

HANDLERS = {op: fn for m in _MODULES for op, fn in m.HANDLERS.items()}
HANDLERS.update(TAG_HANDLERS)
CONTROL = {route: fn for m in _MODULES for route, fn in getattr(m, 'CONTROL', {}).items()}
