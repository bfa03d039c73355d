"""Input validation: problems are raised as ParamValidationError before anything is sent, wherever
boto3 raises it too; datetimes and other Python values are encoded for the C ABI."""
import datetime

import botocore.exceptions
import pytest

import ivs
from ivs import exceptions as exc

CASES = [
    ("ivs", "get_channel", {}),                                   # required member missing
    ("ivs", "create_channel", {"name": 5}),                        # wrong type
    ("ivs", "create_channel", {"nam": "x"}),                       # unknown member
    ("ivs", "create_channel", {"tags": {"k": 1}}),                 # wrong type inside a map
    ("ivs-realtime", "create_stage", {"participantTokenConfigurations": [{"duration": "long"}]}),
    ("ivschat", "create_room", {"maximumMessageLength": "x", "bogus": True}),
    ("ivs", "batch_get_channel", {"arns": "not-a-list"}),
    ("ivs", "get_channel", {"arn": ""}),                           # below the minimum length
]


@pytest.mark.parametrize("service,method,kwargs", CASES)
def test_rejected_before_sending_where_boto3_rejects(fresh, make_ivs, make_boto, service, method, kwargs):
    with pytest.raises(botocore.exceptions.ParamValidationError):
        getattr(make_boto(service), method)(**kwargs)
    with pytest.raises(exc.ParamValidationError) as info:
        getattr(make_ivs(service), method)(**kwargs)
    e = info.value
    assert isinstance(e, exc.BotoCoreError)
    assert str(e).startswith("Parameter validation failed:\n")
    assert e.problems and all("path" in p and "problem" in p for p in e.problems)
    assert fresh.requests() == []


def test_every_problem_is_reported_with_its_path(make_ivs):
    with pytest.raises(exc.ParamValidationError) as info:
        make_ivs("ivs-realtime").create_stage(name=7, participantTokenConfigurations=[{"duration": "x"}], nope=1)
    paths = {p["path"] for p in info.value.problems}
    assert {"name", "nope"} <= paths
    assert any(p.startswith("participantTokenConfigurations[0]") for p in paths)
    for path in ("name", "nope"):
        assert path in str(info.value)


def test_values_json_cannot_encode_are_validation_errors(fresh, make_ivs):
    with pytest.raises(exc.ParamValidationError) as info:
        make_ivs("ivs").create_channel(name="x", tags={"k": object()})
    assert "tags.k" in str(info.value)
    with pytest.raises(exc.ParamValidationError):
        make_ivs("ivs").create_channel(name=float("nan"))
    assert fresh.requests() == []


def test_datetime_inputs_are_sent_as_iso8601(fresh, make_ivs):
    """ivs-realtime ListParticipantEvents has no timestamp input, but ivschat's and ivs's have none
    either: datetime encoding is checked on the request that reaches ivs-local through a string
    member, which must arrive as ISO 8601 UTC."""
    c = make_ivs("ivs")
    aware = datetime.datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    naive = datetime.datetime(2026, 3, 4, 5, 6, 7)
    c.create_channel(name="dt", tags={"aware": aware.isoformat()})
    from ivs.client import encode_input
    assert encode_input({"t": aware}) == b'{"t": "2026-03-04T03:06:07.890000Z"}'
    assert encode_input({"t": naive}) == b'{"t": "2026-03-04T05:06:07Z"}'


def test_validation_off_lets_the_service_answer(fresh, make_ivs):
    c = make_ivs("ivs", config=ivs.Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    with pytest.raises(exc.ClientError) as info:
        c.get_channel(arn="")
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert len(fresh.requests()) == 1


def test_api_name_calls_work_as_botocore_make_api_call(fresh, make_ivs):
    c = make_ivs("ivs")
    out = c._make_api_call("CreateChannel", {"name": "api"})
    assert out["channel"]["name"] == "api"
    with pytest.raises(exc.UnknownClientMethodError):
        c._make_api_call("NoSuchOperation", {})
