"""client.meta holds what libivs resolved (ivs_client_config), equal to what boto3 resolves from the
same environment and files: the region (profiles included), the endpoint (FIPS, dual-stack, China,
configured endpoints), the retry mode and attempts; and a botocore ServiceModel."""
import socket
import textwrap
import time

import boto3
import botocore.exceptions
import botocore.model
import pytest

import ivs
from ivs import exceptions as exc
from ivs import model


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    """write(config_text, credentials_text="") points AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at
    new files, with no AWS settings left in the environment."""
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_RETRY_MODE",
                "AWS_MAX_ATTEMPTS", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IVS", "AWS_USE_FIPS_ENDPOINT",
                "AWS_USE_DUALSTACK_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def write(config, credentials=""):
        (tmp_path / "config").write_text(textwrap.dedent(config))
        (tmp_path / "credentials").write_text(textwrap.dedent(credentials))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    return write


PROFILES = """
    [default]
    region = us-west-2
    [profile paris]
    region = eu-west-3
    [profile fips]
    region = us-gov-west-1
    use_fips_endpoint = true
    [profile dual]
    region = eu-central-1
    use_dualstack_endpoint = true
    [profile china]
    region = cn-north-1
    [profile local]
    region = ap-south-1
    endpoint_url = http://127.0.0.1:4566
    [profile perservice]
    region = us-east-1
    services = local-ivs
    [services local-ivs]
    ivs =
      endpoint_url = http://127.0.0.1:4567
    [profile retrying]
    region = us-west-2
    retry_mode = adaptive
    max_attempts = 4
"""


@pytest.mark.parametrize("profile", ["default", "paris", "fips", "dual", "china", "local", "perservice", "retrying"])
@pytest.mark.parametrize("service", ["ivs", "ivs-realtime", "ivschat"])
def test_region_and_endpoint_are_what_boto3_resolves(aws_files, profile, service):
    aws_files(PROFILES)
    b = boto3.session.Session(profile_name=profile).client(service, aws_access_key_id="a", aws_secret_access_key="b")
    i = ivs.Session(profile_name=profile).client(service, aws_access_key_id="a", aws_secret_access_key="b")
    assert (i.meta.region_name, i.meta.endpoint_url, i.meta.partition) == \
        (b.meta.region_name, b.meta.endpoint_url, b.meta.partition)
    assert i.meta.config.region_name == b.meta.config.region_name


def test_environment_region_and_endpoint(aws_files, monkeypatch):
    aws_files("[default]\n")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_IVSCHAT", "http://127.0.0.1:4999")
    for service in ("ivs", "ivschat"):
        b, i = boto3.client(service, aws_access_key_id="a", aws_secret_access_key="b"), \
            ivs.client(service, aws_access_key_id="a", aws_secret_access_key="b")
        assert (i.meta.region_name, i.meta.endpoint_url) == (b.meta.region_name, b.meta.endpoint_url)


def test_config_arguments_pick_the_endpoint_variant(aws_files):
    aws_files("[default]\n")
    for options in ({"use_fips_endpoint": True}, {"use_dualstack_endpoint": True},
                    {"use_fips_endpoint": True, "use_dualstack_endpoint": True}):
        b = boto3.client("ivs-realtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
                         config=botocore.config.Config(**options))
        i = ivs.client("ivs-realtime", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b",
                       config=ivs.Config(**options))
        assert i.meta.endpoint_url == b.meta.endpoint_url, options


def test_retry_settings_come_from_the_profile(aws_files, url, fresh):
    """A profile's retry_mode and max_attempts reach meta.config.retries as boto3 holds them, and the
    attempts libivs makes decide MaxAttemptsReached (not an environment variable re-read)."""
    aws_files(PROFILES)
    b = boto3.session.Session(profile_name="retrying").client("ivs", endpoint_url=url, aws_access_key_id="test",
                                                             aws_secret_access_key="test")
    i = ivs.Session(profile_name="retrying").client("ivs", endpoint_url=url, aws_access_key_id="test",
                                                   aws_secret_access_key="test")
    assert i.meta.config.retries == b.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 4}
    fresh.fault(service="ivs", operation="ListChannels", count=20, status=500, code="InternalServerException",
                message="boom")
    errors = []
    for c in (b, i):
        with pytest.raises(botocore.exceptions.ClientError) as info:
            c.list_channels()
        errors.append(info.value)
    assert len(fresh.requests(operation="ListChannels")) == 8
    assert str(errors[1]) == str(errors[0])  # "... (reached max retries: 3): boom"
    assert errors[1].response["ResponseMetadata"]["MaxAttemptsReached"] is True


def test_default_retries_are_libivs_standard_mode(aws_files):
    aws_files("[default]\nregion = us-west-2\n")
    i = ivs.client("ivs", aws_access_key_id="a", aws_secret_access_key="b")
    assert i.meta.config.retries == {"mode": "standard", "total_max_attempts": 3}
    legacy = ivs.client("ivs", aws_access_key_id="a", aws_secret_access_key="b",
                        config=ivs.Config(retries={"mode": "legacy", "max_attempts": 1}))
    # botocore's mode as configured (for its MaxAttemptsReached rules); libivs runs it as standard.
    assert legacy.meta.config.retries == {"mode": "legacy", "total_max_attempts": 2}


def test_unknown_profile_is_profile_not_found(aws_files, monkeypatch):
    aws_files(PROFILES)
    for lib_session in (boto3.session.Session, ivs.Session):
        with pytest.raises(botocore.exceptions.ProfileNotFound) as info:
            lib_session(profile_name="nope")
        assert str(info.value) == "The config profile (nope) could not be found"
    assert isinstance(info.value, exc.ProfileNotFound)
    monkeypatch.setenv("AWS_PROFILE", "nope")
    for lib_session in (boto3.session.Session, ivs.Session):
        with pytest.raises(botocore.exceptions.ProfileNotFound):
            lib_session()


def _unanswered_listener():
    """A loopback port whose accept queue is full: a connection attempt to it is never answered, so
    connecting times out (Linux drops the SYN while the queue is full)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    time.sleep(0.2)
    return server, fillers, f"http://127.0.0.1:{port}"


def test_connect_and_read_timeouts_are_told_apart_by_code(fresh, make_ivs, make_boto):
    server, fillers, dead = _unanswered_listener()
    try:
        raised = []
        for make, cfg in ((make_boto, botocore.config.Config), (make_ivs, ivs.Config)):
            c = make("ivs", endpoint_url=dead, config=cfg(connect_timeout=0.4, retries={"total_max_attempts": 1}))
            with pytest.raises(botocore.exceptions.ConnectTimeoutError) as info:
                c.list_channels()
            raised.append(info.value)
        assert type(raised[1]) is exc.ConnectTimeoutError and raised[1].ivs_error["code"] == "ConnectTimeoutError"
        assert str(raised[1]) == str(raised[0])
    finally:
        for s in fillers + [server]:
            s.close()
    fresh.fault(service="ivs", operation="ListChannels", action="delay", delayMs=2000, count=2)
    raised = []
    for make, cfg in ((make_boto, botocore.config.Config), (make_ivs, ivs.Config)):
        with pytest.raises(botocore.exceptions.ReadTimeoutError) as info:
            make("ivs", config=cfg(read_timeout=0.3, retries={"total_max_attempts": 1})).list_channels()
        raised.append(info.value)
    assert type(raised[1]) is exc.ReadTimeoutError and raised[1].ivs_error["code"] == "ReadTimeoutError"
    assert str(raised[1]) == str(raised[0])
    # ivs-local logs a delayed request when it answers: wait for both, so that no later test sees them.
    deadline = time.monotonic() + 10
    while len(fresh.requests(operation="ListChannels")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)


def test_service_model_is_botocores(make_ivs, make_boto):
    for service in ("ivs", "ivs-realtime", "ivschat"):
        b, i = make_boto(service).meta.service_model, make_ivs(service).meta.service_model
        assert isinstance(i, botocore.model.ServiceModel)
        for attr in ("service_name", "signing_name", "protocol", "api_version", "endpoint_prefix"):
            assert getattr(i, attr) == getattr(b, attr), attr
        # Every operation and shape botocore knows (models newer than the installed botocore may add more).
        assert set(i.operation_names) >= set(b.operation_names) and set(i.shape_names) >= set(b.shape_names)
        assert i.service_id == b.service_id and i.metadata == b.metadata
        op = i.operation_model(i.operation_names[0])
        assert op.input_shape.members.keys() == b.operation_model(op.name).input_shape.members.keys()


@pytest.mark.parametrize("service", ["ivs", "ivs-realtime", "ivschat"])
def test_model_built_from_ivs_describe_matches_the_vendored_one(service):
    """An installed package has no models/ beside it and builds the botocore model from ivs_describe:
    every operation and shape must be what the vendored model says, documentation aside."""
    vendored = botocore.model.ServiceModel(model.vendored_description(service), service_name=service)
    built = botocore.model.ServiceModel(model.described_description(service), service_name=service)
    assert built.operation_names == vendored.operation_names
    assert built.metadata["serviceId"] == vendored.metadata["serviceId"]
    for name in vendored.shape_names:
        want, have = vendored.shape_for(name), built.shape_for(name)
        assert have.type_name == want.type_name, name
        for key in ("min", "max", "pattern", "enum", "sensitive"):
            assert have.metadata.get(key) == want.metadata.get(key), (name, key)
        if want.type_name == "structure":
            assert list(have.members) == list(want.members), name
            assert have.required_members == want.required_members, name
            assert have.metadata.get("union") == want.metadata.get("union"), name
            for m, ms in want.members.items():
                assert have.members[m].name == ms.name
                # timestampFormat is not in ivs_describe (libivs formats timestamps itself).
                want_ser = {k: v for k, v in ms.serialization.items() if k != "timestampFormat"}
                assert have.members[m].serialization == want_ser, (name, m)
    for op_name in vendored.operation_names:
        want, have = vendored.operation_model(op_name), built.operation_model(op_name)
        assert have.http == {k: v for k, v in want.http.items() if k in ("method", "requestUri")}
        assert [e.name for e in have.error_shapes] == [e.name for e in want.error_shapes]
        assert (have.input_shape and have.input_shape.name) == (want.input_shape and want.input_shape.name)


def test_config_options_are_botocores_plus_validation():
    """ivs.Config takes botocore's options (positional order included) and its own `validation`; its
    typed attributes cover them all."""
    from botocore.config import Config as BotocoreConfig
    from ivs.config import OPTION_DEFAULTS
    assert list(OPTION_DEFAULTS) == list(BotocoreConfig.OPTION_DEFAULTS) + ["validation"]
    assert set(ivs.Config.__annotations__) >= set(OPTION_DEFAULTS)
    converted = ivs.client("ivs", region_name="us-west-2", aws_access_key_id="a", aws_secret_access_key="b",
                           config=BotocoreConfig(connect_timeout=7, retries={"max_attempts": 2}))
    assert converted.meta.config.connect_timeout == 7
    assert converted.meta.config.retries == {"total_max_attempts": 3, "mode": "standard"}
