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


OVER_THE_MAXIMUM = [
    ("ivs", "get_channel", {"arn": "arn:aws:ivs:us-west-2:123456789012:channel/" + "a" * 200}),  # length
    ("ivs", "list_channels", {"maxResults": 1000}),                                               # value
    ("ivs-realtime", "create_stage", {"tags": {f"k{n}": "v" for n in range(60)}}),                # map size
    ("ivs", "create_channel", {"latencyMode": "FASTEST"}),                                        # enum
]


@pytest.mark.parametrize("service,method,kwargs", OVER_THE_MAXIMUM)
def test_what_botocore_leaves_to_the_service_goes_to_the_service(fresh, make_ivs, make_boto, service, method, kwargs):
    """By default the Python client checks what botocore checks: a value over a maximum (or not in an
    enum) reaches the service, which answers ValidationException, a ClientError, as it does to boto3."""
    responses = []
    for make in (make_boto, make_ivs):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            getattr(make(service), method)(**kwargs)
        responses.append((info.value.response["Error"], info.value.response["ResponseMetadata"]["HTTPStatusCode"]))
    assert responses[1] == responses[0]
    assert responses[0][0]["Code"] == "ValidationException"
    assert len(fresh.requests()) == 2


def test_config_validation_opts_into_more_checks(fresh, make_ivs):
    too_long = "arn:aws:ivs:us-west-2:123456789012:channel/" + "a" * 200
    on = make_ivs("ivs", config=ivs.Config(validation="on"))
    with pytest.raises(exc.ParamValidationError) as info:
        on.get_channel(arn=too_long)
    assert "valid max length: 128" in str(info.value)
    on.create_channel(latencyMode="NORMAL")
    with pytest.raises(exc.ClientError):  # "on" leaves enums to the service
        on.create_channel(latencyMode="FASTEST")
    strict = make_ivs("ivs", config=ivs.Config(validation="strict"))
    with pytest.raises(exc.ParamValidationError) as info:
        strict.create_channel(latencyMode="FASTEST")
    assert "valid values: NORMAL, LOW" in str(info.value)
    assert [r["operation"] for r in fresh.requests()] == ["CreateChannel", "CreateChannel"]
    with pytest.raises(exc.InvalidConfigError):
        ivs.Config(validation="sometimes")
