"""Errors as botocore raises them: modeled ClientError subclasses per service, generic ClientError for
unmodeled codes, retry metadata, and the BotoCoreError family for credentials, network and config."""
import pickle

import botocore.exceptions
import pytest

import ivs
from ivs import exceptions as exc

ARN = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"


def test_modeled_error_is_a_client_error_subclass(fresh, make_ivs):
    c = make_ivs("ivs")
    with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
        c.get_channel(arn=ARN)
    e = info.value
    assert isinstance(e, exc.ClientError)
    assert e.operation_name == "GetChannel"
    assert e.response["Error"]["Code"] == "ResourceNotFoundException"
    assert ARN in e.response["Error"]["Message"]
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert e.response["ResponseMetadata"]["RequestId"]
    assert "exceptionMessage" in e.response
    assert str(e).startswith("An error occurred (ResourceNotFoundException) when calling the GetChannel operation")


def test_same_message_and_class_name_as_botocore(fresh, make_ivs, make_boto):
    got = []
    for make in (make_boto, make_ivs):
        c = make("ivs-realtime")
        with pytest.raises((exc.ClientError, botocore.exceptions.ClientError)) as info:
            c.get_stage(arn="arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGh1234")
        got.append((type(info.value).__name__, str(info.value), info.value.operation_name))
    assert got[0] == got[1]


def test_every_modeled_error_exists_on_client_exceptions(make_ivs, make_boto):
    for service in ("ivs", "ivs-realtime", "ivschat"):
        b, i = make_boto(service), make_ivs(service)
        names = {n for n in dir(b.exceptions) if n.endswith("Exception") and not n.startswith("_")}
        assert names
        for name in names:
            cls = getattr(i.exceptions, name)
            assert issubclass(cls, exc.ClientError) and cls.__name__ == name
            assert i.exceptions.from_code(name) is cls
        assert i.exceptions.from_code("SomethingElse") is exc.ClientError
        # One class per service per process: two clients catch each other's errors.
        assert make_ivs(service).exceptions.ValidationException is i.exceptions.ValidationException
    with pytest.raises(AttributeError):
        make_ivs("ivs").exceptions.NoSuchThing


def test_unmodeled_code_is_a_plain_client_error(fresh, make_ivs):
    fresh.fault(service="ivs", operation="ListChannels", count=1, status=400, code="WeirdNewError", message="odd")
    c = make_ivs("ivs")
    with pytest.raises(exc.ClientError) as info:
        c.list_channels()
    assert type(info.value) is exc.ClientError
    assert info.value.response["Error"] == {"Code": "WeirdNewError", "Message": "odd"}


def test_retries_follow_botocore_max_attempts_counting(fresh, make_ivs, make_boto):
    """max_attempts=2 means 3 attempts (botocore counts retries); total_max_attempts counts attempts."""
    results = {}
    for name, make, config in [
        ("boto", make_boto, botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"})),
        ("ivs", make_ivs, ivs.Config(retries={"max_attempts": 2, "mode": "standard"})),
        ("ivs-total", make_ivs, ivs.Config(retries={"total_max_attempts": 2, "mode": "standard"})),
    ]:
        fresh.reset()
        fresh.fault(service="ivs", operation="ListChannels", count=10, status=500, code="InternalServerException",
                    message="boom")
        with pytest.raises((exc.ClientError, botocore.exceptions.ClientError)) as info:
            make("ivs", config=config).list_channels()
        results[name] = (len(fresh.requests(operation="ListChannels")), info.value.response["ResponseMetadata"],
                         str(info.value))
    assert results["boto"][0] == results["ivs"][0] == 3
    assert results["ivs-total"][0] == 2
    assert results["ivs"][1]["RetryAttempts"] == results["boto"][1]["RetryAttempts"] == 2
    assert results["ivs"][1].get("MaxAttemptsReached") is True
    assert results["ivs"][2] == results["boto"][2]  # "... (reached max retries: 2): boom"


def test_retry_then_success_reports_retry_attempts(fresh, make_ivs):
    fresh.fault(service="ivs", operation="ListChannels", count=1, status=503, code="ServiceUnavailable")
    out = make_ivs("ivs", config=ivs.Config(retries={"max_attempts": 3})).list_channels()
    assert out["ResponseMetadata"]["RetryAttempts"] == 1


def test_client_error_pickles_as_client_error(fresh, make_ivs):
    c = make_ivs("ivs")
    with pytest.raises(exc.ClientError) as info:
        c.get_channel(arn=ARN)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is exc.ClientError and back.response == info.value.response


def test_unknown_access_key_is_a_client_error(url):
    c = ivs.client("ivs", region_name="us-west-2", endpoint_url=url, aws_access_key_id="nobody",
                   aws_secret_access_key="x")
    with pytest.raises(exc.ClientError) as info:
        c.list_channels()
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_no_credentials(url, monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    c = ivs.client("ivs", region_name="us-west-2", endpoint_url=url)
    with pytest.raises(exc.NoCredentialsError) as info:
        c.list_channels()
    assert isinstance(info.value, exc.BotoCoreError)
    assert str(info.value) == "Unable to locate credentials"


def test_partial_credentials():
    with pytest.raises(exc.PartialCredentialsError):
        ivs.client("ivs", region_name="us-west-2", aws_access_key_id="only-the-id")


def test_connection_refused_is_endpoint_connection_error(make_boto):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}"
    c = ivs.client("ivs", region_name="us-west-2", endpoint_url=url, aws_access_key_id="test",
                   aws_secret_access_key="test", config=ivs.Config(retries={"total_max_attempts": 1}))
    with pytest.raises(exc.EndpointConnectionError) as info:
        c.list_channels()
    assert isinstance(info.value, exc.ConnectionError) and isinstance(info.value, exc.BotoCoreError)
    assert str(info.value) == f'Could not connect to the endpoint URL: "{url}/ListChannels"'
    # The URL in the message is the request's, as botocore gives it: labels and query filled in.
    b = make_boto("ivs", endpoint_url=url)
    arn = "arn:aws:ivs:us-west-2:123456789012:channel/AbCd"
    for method, kwargs in (("untag_resource", {"resourceArn": arn, "tagKeys": ["a b", "c/d"]}),
                           ("list_tags_for_resource", {"resourceArn": arn})):
        messages = []
        for client in (b, c):
            with pytest.raises(botocore.exceptions.EndpointConnectionError) as info:
                getattr(client, method)(**kwargs)
            messages.append(str(info.value))
        assert messages[1] == messages[0]


def test_read_timeout(fresh, make_ivs):
    fresh.fault(service="ivs", operation="ListChannels", action="delay", delayMs=3000, count=1)
    c = make_ivs("ivs", config=ivs.Config(read_timeout=0.3, retries={"total_max_attempts": 1}))
    with pytest.raises(exc.ReadTimeoutError) as info:
        c.list_channels()
    assert isinstance(info.value, exc.HTTPClientError)


def test_dropped_connection(fresh, make_ivs):
    fresh.fault(service="ivs", operation="ListChannels", action="drop", count=5)
    c = make_ivs("ivs")
    with pytest.raises((exc.ConnectionClosedError, exc.EndpointConnectionError, exc.HTTPClientError)):
        c.list_channels()


def test_no_region(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(exc.NoRegionError):
        ivs.client("ivs")


def test_bad_retry_config_is_rejected_as_botocore_does():
    with pytest.raises(exc.InvalidRetryModeError):
        ivs.Config(retries={"mode": "sometimes"})
    with pytest.raises(exc.InvalidMaxRetryAttemptsError):
        ivs.Config(retries={"max_attempts": -1})
    with pytest.raises(exc.InvalidRetryConfigurationError):
        ivs.Config(retries={"attempts": 3})
    with pytest.raises(TypeError):
        ivs.Config(no_such_option=1)


def test_unknown_service():
    with pytest.raises(exc.UnknownServiceError):
        ivs.client("s3", region_name="us-west-2")


def test_positional_arguments_are_refused(make_ivs):
    with pytest.raises(TypeError):
        make_ivs("ivs").get_channel("arn")


def test_closed_client_refuses_calls(fresh, make_ivs):
    c = make_ivs("ivs")
    c.list_channels()
    c.close()
    c.close()
    with pytest.raises(exc.BotoCoreError):
        c.list_channels()


def test_error_response_metadata_has_the_http_headers(fresh, make_ivs, make_boto):
    metas = []
    for make in (make_boto, make_ivs):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            make("ivs").get_channel(arn=ARN)
        metas.append(info.value.response["ResponseMetadata"])
    assert sorted(metas[1]["HTTPHeaders"]) == sorted(metas[0]["HTTPHeaders"])
    assert metas[1]["HTTPHeaders"]["x-amzn-errortype"] == metas[0]["HTTPHeaders"]["x-amzn-errortype"]
    assert metas[1]["HTTPHeaders"]["x-amzn-requestid"] == metas[1]["RequestId"]
    assert {k: v for k, v in metas[1].items() if k not in ("RequestId", "HTTPHeaders")} == \
        {k: v for k, v in metas[0].items() if k not in ("RequestId", "HTTPHeaders")}


def test_unsigned_requests(fresh, url, make_boto):
    """Config(signature_version=UNSIGNED) sends no Authorization header; ivs-local refuses the call
    as the service would, and both clients report the same error."""
    import botocore
    errors = []
    for c in (make_boto("ivs", config=botocore.config.Config(signature_version=botocore.UNSIGNED)),
              ivs.client("ivs", region_name="us-west-2", endpoint_url=url,
                         config=ivs.Config(signature_version=ivs.UNSIGNED))):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            c.list_channels()
        errors.append(info.value.response["Error"])
    assert errors[1] == errors[0] and errors[0]["Code"] == "MissingAuthenticationTokenException"
    assert [sorted(h for h in r["headers"] if h.lower() in ("authorization", "x-amz-date")) for r in fresh.requests()] \
        == [[], []]
    assert ivs.UNSIGNED is botocore.UNSIGNED
    with pytest.raises(exc.UnknownSignatureVersionError):
        ivs.Config(signature_version="v2")
