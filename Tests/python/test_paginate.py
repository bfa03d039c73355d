"""Paginators: the same pages, full results and resume tokens as botocore's, for every paginated
operation libivs knows."""
import pytest

import ivs
from ivs import exceptions as exc


def make_channels(client, n):
    return [client.create_channel(name=f"ch{i:02d}")["channel"]["arn"] for i in range(n)]


def strip(page):
    return {k: v for k, v in page.items() if k != "ResponseMetadata"}


def test_pages_equal_botocores(fresh, make_boto, make_ivs):
    b, i = make_boto("ivs"), make_ivs("ivs")
    make_channels(b, 7)
    for config in ({"PageSize": 3}, {"PageSize": 2, "MaxItems": 5}, {"MaxItems": 4, "PageSize": 3}, {}):
        want = [strip(p) for p in b.get_paginator("list_channels").paginate(PaginationConfig=dict(config))]
        have = [strip(p) for p in i.get_paginator("list_channels").paginate(PaginationConfig=dict(config))]
        assert [[c["arn"] for c in p["channels"]] for p in have] == [[c["arn"] for c in p["channels"]] for p in want]
        assert [p.get("nextToken") is None for p in have] == [p.get("nextToken") is None for p in want]


def test_build_full_result_and_resume(fresh, make_boto, make_ivs):
    b, i = make_boto("ivs"), make_ivs("ivs")
    arns = make_channels(b, 7)
    full = i.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 2}).build_full_result()
    assert sorted(c["arn"] for c in full["channels"]) == sorted(arns)
    assert "NextToken" not in full and "ResponseMetadata" not in full
    assert full == b.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 2}).build_full_result()

    # MaxItems that cuts a page: the resume token carries the offset, as botocore's does.
    first = i.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 3, "MaxItems": 4})
    part = first.build_full_result()
    assert len(part["channels"]) == 4 and part["NextToken"] == first.resume_token
    rest = i.get_paginator("list_channels").paginate(
        PaginationConfig={"PageSize": 3, "StartingToken": part["NextToken"]}).build_full_result()
    assert [c["arn"] for c in part["channels"] + rest["channels"]] == [c["arn"] for c in full["channels"]]
    # boto3 resumes from our token and we from boto3's.
    boto_rest = b.get_paginator("list_channels").paginate(
        PaginationConfig={"PageSize": 3, "StartingToken": part["NextToken"]}).build_full_result()
    assert boto_rest == rest
    boto_part = b.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 3, "MaxItems": 4}).build_full_result()
    assert boto_part["channels"] == part["channels"]


def test_filters_pass_through(fresh, make_ivs):
    i = make_ivs("ivs")
    same = [i.create_channel(name="same")["channel"]["arn"] for _ in range(3)]
    i.create_channel(name="other")
    full = i.get_paginator("list_channels").paginate(filterByName="same", PaginationConfig={"PageSize": 1}).build_full_result()
    assert sorted(c["arn"] for c in full["channels"]) == sorted(same)


def test_search_needs_jmespath(fresh, make_ivs):
    pytest.importorskip("jmespath")
    i = make_ivs("ivs")
    make_channels(i, 3)
    names = list(i.get_paginator("list_channels").paginate(PaginationConfig={"PageSize": 2}).search("channels[].name"))
    assert sorted(names) == ["ch00", "ch01", "ch02"]


def test_can_paginate_covers_botocore_and_more(make_boto, make_ivs):
    for service in ("ivs", "ivs-realtime", "ivschat"):
        b, i = make_boto(service), make_ivs(service)
        for method in b.meta.method_to_api_mapping:
            if b.can_paginate(method):
                assert i.can_paginate(method), method
        # Every paginated operation libivs knows has a paginator, including undeclared ones.
        known = [op.snake_name for op in ivs.model.service_model(service).operations.values() if op.paginator]
        assert known and all(i.can_paginate(n) for n in known)
        assert not i.can_paginate("tag_resource")
        with pytest.raises(exc.OperationNotPageableError):
            i.get_paginator("tag_resource")
        # An unknown name (or an API name) is a KeyError in both, as botocore looks it up.
        for name in ("no_such_operation", "ListChannels"):
            for client in (b, i):
                with pytest.raises(KeyError):
                    client.can_paginate(name)
                with pytest.raises(KeyError):
                    client.get_paginator(name)


@pytest.mark.parametrize("service,operation,kwargs,key", [
    ("ivs-realtime", "list_stages", {}, "stages"),
    ("ivschat", "list_rooms", {}, "rooms"),
    ("ivs", "list_stream_keys", None, "streamKeys"),
])
def test_paginators_of_each_service(fresh, make_ivs, service, operation, kwargs, key):
    c = make_ivs(service)
    if service == "ivs-realtime":
        made = [c.create_stage(name=f"s{n}")["stage"]["arn"] for n in range(5)]
    elif service == "ivschat":
        made = [c.create_room(name=f"r{n}")["arn"] for n in range(5)]
    else:
        arn = c.create_channel(name="x")["channel"]["arn"]
        kwargs = {"channelArn": arn}
        made = [k["arn"] for k in c.list_stream_keys(channelArn=arn)["streamKeys"]]
    pages = list(c.get_paginator(operation).paginate(**kwargs, PaginationConfig={"PageSize": 2}))
    assert sorted(x["arn"] for p in pages for x in p[key]) == sorted(made)
    assert len(pages) == (len(made) + 1) // 2 or (len(made) % 2 == 0 and len(pages) == len(made) // 2 + 1)


def test_page_size_without_limit_key_is_an_error(make_ivs):
    c = make_ivs("ivs")
    p = c.get_paginator("list_channels")
    p._limit_key = None
    with pytest.raises(exc.PaginationError):
        p.paginate(PaginationConfig={"PageSize": 2})
