"""Resource tables: the records of one resource type in one account and region, with their tags;
the registry that finds a resource type by its ARN; the tag operations every service shares.

A service declares each of its resource types once, at module level:

    CHANNELS = Resource('ivs', 'channel', limit=5000)

and a handler works on the table of the request's account and region:

    channels = CHANNELS.table(ctx)
    ch = channels.create({'name': ..., ...}, params.get('tags'))   # ARN, quota, tags
    channels.get(arn)                                              # or ResourceNotFoundException
    return channels.page(params, 'channels')                       # a List answer

A record is a dict holding 'arn' and the resource's members as the API reports them; members
whose names start with '_' are private to the service that owns the resource (a view leaves them
out). Another service reads a table through this interface only (find, get, iteration, view), as
ivs-realtime does with ivs's channels.
"""
from __future__ import annotations

import copy
from typing import Callable, Iterator

from .common import (arn_service, control_context, control_not_found, new_id, not_found, page, parse_arn, quota,
                     state_for, validation)

MAX_TAGS = 50  # AWS's per-resource tag limit

# (ARN service part, ARN resource type) -> Resource. ivs and ivs-realtime share 'ivs' ARNs, so
# either service's tag operations reach the other's resources, as in AWS.
_REGISTRY: dict[tuple[str, str], 'Resource'] = {}


class Resource:
    """A resource type of one service: its ARN resource type, its per-account-and-region quota and
    the default page size of its List operation.

    limit: how many records an account may hold in a region (None: no limit); counted(record)
    says which records count against it (default: all). label names the type in messages."""

    def __init__(self, service: str, arn_type: str, *, limit: int | None = None, label: str | None = None,
                 counted: Callable[[dict], bool] | None = None, page_size: int = 50):
        self.service = service
        self.arn_type = arn_type
        self.page_size = page_size
        self.limit = limit
        self.label = label or arn_type.replace('-', ' ') + 's'
        self.counted = counted
        _REGISTRY[(arn_service(service), arn_type)] = self

    def table(self, ctx) -> ResourceTable:
        """The records in ctx's account and region; errors take the shape of ctx's service."""
        return ResourceTable(self, ctx)

    def for_control(self, body: dict, key: str) -> tuple:
        """(context, record) of a control route acting on the record whose ARN is body[key], in
        that ARN's account and region; 400 for a missing or malformed ARN, 404 for no record."""
        ctx = control_context(self.service, body, key)
        record = self.table(ctx).find(body[key])
        if record is None:
            raise control_not_found(ctx, body[key])
        return ctx, record

    # Handlers for the operations that only read or remove a record, the same for every type.
    def get_handler(self, key: str | None, arn_member: str = 'arn'):
        """Get<Resource>: {key: the record's view}, or the view itself when key is None."""
        def get(ctx, params):
            found = self.table(ctx).view_of(params[arn_member])
            return found if key is None else {key: found}
        return get

    def list_handler(self, key: str):
        """List<Resources> without filters: one page of views."""
        return lambda ctx, params: self.table(ctx).page(params, key)

    def delete_handler(self, arn_member: str = 'arn', *, refuse: Callable | None = None):
        """Delete<Resource>. refuse(ctx, arn), called once the record is found, raises
        ConflictException while something depends on it."""
        def delete(ctx, params):
            table = self.table(ctx)
            table.get(params[arn_member])
            if refuse:
                refuse(ctx, params[arn_member])
            table.delete(params[arn_member])
            return {}
        return delete

    @staticmethod
    def for_arn(ctx, arn: str) -> Resource | None:
        """The resource type an ARN names, among those whose ARNs ctx's service shares."""
        resource = _named_by(arn)
        return resource if resource and arn_service(resource.service) == arn_service(ctx.service) else None


def _named_by(arn: str) -> Resource | None:
    try:
        parts = parse_arn(arn)
    except ValueError:
        return None
    return _REGISTRY.get((parts['service'], parts['resourceType']))


def owner(arn: str) -> str | None:
    """The service that owns the resource type an ARN names (None: no such type): how the server
    tells ivs from ivs-realtime on the paths both have."""
    resource = _named_by(arn)
    return resource.service if resource else None


class ResourceTable:
    """One resource type's records in one account and region, in creation order, as one request
    sees them."""

    def __init__(self, resource: Resource, ctx):
        self.resource = resource
        self.ctx = ctx
        namespace = state_for(ctx.account, ctx.region, resource.service)
        self.records, self._tags = namespace.setdefault(('table', resource.arn_type), ({}, {}))

    # -- reading ---------------------------------------------------------------------------
    def __contains__(self, arn) -> bool:
        return arn in self.records

    def __iter__(self) -> Iterator[dict]:
        return iter(list(self.records.values()))

    def __len__(self) -> int:
        return len(self.records)

    def find(self, arn: str) -> dict | None:
        return self.records.get(arn)

    def get(self, arn: str) -> dict:
        """The record, or ResourceNotFoundException."""
        record = self.records.get(arn)
        if record is None:
            raise not_found(self.ctx, arn)
        return record

    def view_of(self, arn: str) -> dict:
        """view() of get(arn)."""
        return self.view(self.get(arn))

    def tags(self, arn: str) -> dict:
        return dict(self._tags.get(arn, {}))

    def view(self, record: dict) -> dict:
        """A record as output: its public members (copied) and its tags. The server keeps only
        the members the output shape has, so one view serves the full and the summary shapes."""
        out = {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith('_')}
        out['tags'] = self.tags(record['arn'])
        return out

    def page(self, params: dict, key: str, items=None, view=None) -> dict:
        """A List operation's answer over items (default: every record), each through view
        (default: self.view)."""
        return page(self.ctx, params, key, self if items is None else items, view or self.view,
                    default_max=self.resource.page_size)

    # -- writing ---------------------------------------------------------------------------
    def new_arn(self) -> str:
        return self.ctx.arn(self.resource.arn_type, new_id(12))

    def add(self, record: dict, tags: dict | None) -> dict:
        """Stores a record (its 'arn' made by new_arn) with the tags given at creation, after the
        quota and tag checks: a failure leaves no trace."""
        limit = self.resource.limit
        if limit is not None:
            counted = self.resource.counted
            n = sum(1 for r in self.records.values() if counted(r)) if counted else len(self.records)
            if n >= limit:
                raise quota(self.ctx, f'Maximum number of {self.resource.label} ({limit}) reached for this '
                                      f'account in {self.ctx.region}.', limit)
        tags = dict(tags or {})
        check_tag_count(self.ctx, tags)
        self.records[record['arn']] = record
        self._tags[record['arn']] = tags
        return record

    def create(self, fields: dict, tags: dict | None) -> dict:
        """add() of a new record {'arn': a new ARN, **fields}."""
        return self.add({'arn': self.new_arn(), **fields}, tags)

    def tag(self, arn: str, tags: dict) -> None:
        merged = {**self._tags.get(arn, {}), **tags}
        check_tag_count(self.ctx, merged)
        self._tags[arn] = merged

    def untag(self, arn: str, keys) -> None:
        current = self._tags.setdefault(arn, {})
        for key in keys:
            current.pop(key, None)

    def delete(self, arn: str) -> dict:
        """Removes a record and its tags; ResourceNotFoundException if there is none."""
        record = self.get(arn)
        del self.records[arn]
        self._tags.pop(arn, None)
        return record


def check_tag_count(ctx, tags: dict) -> None:
    if len(tags) > MAX_TAGS:
        raise validation(ctx, f'A resource can have at most {MAX_TAGS} tags.',
                         [{'name': 'tags', 'message': f'at most {MAX_TAGS} tags'}])


def tag_operation(ctx, params: dict) -> dict:
    """TagResource, UntagResource and ListTagsForResource, for any resource of the services that
    share ctx's ARNs, in ctx's account and region."""
    arn = params['resourceArn']
    resource = Resource.for_arn(ctx, arn)
    table = resource.table(ctx) if resource else None
    if table is None or arn not in table:
        raise not_found(ctx, arn)
    if ctx.operation == 'TagResource':
        table.tag(arn, params.get('tags', {}))
        return {}
    if ctx.operation == 'UntagResource':
        table.untag(arn, params.get('tagKeys', []))
        return {}
    if ctx.operation == 'ListTagsForResource':
        return {'tags': table.tags(arn)}
    raise ValueError(f'tag_operation called for {ctx.operation}')


TAG_HANDLERS = {'TagResource': tag_operation, 'UntagResource': tag_operation,
                'ListTagsForResource': tag_operation}
