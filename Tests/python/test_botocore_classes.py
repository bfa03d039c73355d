"""With botocore importable, every ivs exception is an instance of botocore's class of the same name,
so boto3 code's `except botocore.exceptions.X` catches it; without botocore, ivs stands alone."""
import inspect
import os
import subprocess
import sys
import textwrap

import botocore.exceptions
import pytest

import ivs
from ivs import exceptions as exc

from .conftest import BINDING

OWN = {"IVSInternalError", "InvalidTokenError", "BaseClientExceptions"}


def ivs_exception_classes():
    return [c for n, c in vars(exc).items() if inspect.isclass(c) and issubclass(c, BaseException)
            and c.__module__ == "ivs.exceptions"]


def test_every_class_is_botocores_too():
    classes = ivs_exception_classes()
    assert len(classes) >= 25
    for cls in classes:
        if cls.__name__ in OWN:
            continue
        theirs = getattr(botocore.exceptions, cls.__name__)
        assert issubclass(cls, theirs), cls
        # The same family as botocore's: each botocore base of theirs is a base of ours.
        for base in theirs.__mro__:
            if base.__module__ == "botocore.exceptions":
                assert issubclass(cls, base), (cls, base)
    assert issubclass(exc.IVSInternalError, botocore.exceptions.BotoCoreError)
    assert issubclass(exc.InvalidTokenError, botocore.exceptions.ParamValidationError)


def test_botocore_except_clauses_catch_what_ivs_raises(fresh, make_ivs):
    c = make_ivs("ivs")
    arn = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"
    with pytest.raises(botocore.exceptions.ClientError) as info:
        c.get_channel(arn=arn)
    assert type(info.value) is c.exceptions.ResourceNotFoundException
    with pytest.raises(botocore.exceptions.ParamValidationError):
        c.get_channel()
    with pytest.raises(botocore.exceptions.BotoCoreError):
        c.create_channel(name=1)
    with pytest.raises(botocore.exceptions.UnknownServiceError):
        ivs.client("s3", region_name="us-west-2")
    with pytest.raises(botocore.exceptions.NoRegionError):
        raise exc.NoRegionError()


def test_messages_and_attributes_are_botocores():
    cases = [("EndpointConnectionError", {"endpoint_url": "http://x/Op"}),
             ("ReadTimeoutError", {"endpoint_url": "http://x/Op"}),
             ("ConnectTimeoutError", {"endpoint_url": "http://x/Op"}),
             ("ProfileNotFound", {"profile": "p"}),
             ("PartialCredentialsError", {"provider": "explicit", "cred_var": "aws_secret_access_key"}),
             ("ParamValidationError", {"report": "r"}),
             ("UnknownSignatureVersionError", {"signature_version": "v2"})]
    for name, kwargs in cases:
        ours, theirs = getattr(exc, name)(**kwargs), getattr(botocore.exceptions, name)(**kwargs)
        assert str(ours) == str(theirs) and ours.kwargs == theirs.kwargs, name
    e = exc.ClientError({"Error": {"Code": "X", "Message": "m"}, "ResponseMetadata": {}}, "Op")
    assert str(e) == str(botocore.exceptions.ClientError(e.response, "Op"))


WITHOUT_BOTOCORE = textwrap.dedent("""
    import sys
    sys.modules["botocore"] = None   # any import of botocore now fails, as when it is not installed
    import ivs
    from ivs import exceptions as exc
    assert not any(b.__module__.startswith("botocore") for b in exc.ClientError.__mro__)
    assert exc.ReadTimeoutError.__mro__[1] is exc.HTTPClientError
    c = ivs.client("ivs-realtime", region_name="us-west-2", endpoint_url=sys.argv[1],
                   aws_access_key_id="test", aws_secret_access_key="test")
    try:
        c.get_stage(arn="arn:aws:ivs:us-west-2:123456789012:stage/AbCdEfGh1234")
    except c.exceptions.ResourceNotFoundException as e:
        assert isinstance(e, exc.ClientError) and e.response["ResponseMetadata"]["HTTPHeaders"]
    try:
        c.get_stage()
    except exc.ParamValidationError:
        pass
    sm = c.meta.service_model
    assert type(sm).__module__ == "ivs.model"
    assert (sm.service_name, sm.signing_name, sm.protocol) == ("ivs-realtime", "ivs", "rest-json")
    assert "CreateStage" in sm.operation_names and sm.operation_model("CreateStage").name == "CreateStage"
    assert sm.shape_for("Stage")["type"] == "structure" and sm.metadata["serviceId"] == "IVS RealTime"
    seen = []
    c.meta.events.register("after-call.ivs-realtime", lambda **kw: seen.append(kw["http_response"].status_code))
    c.list_stages()
    assert seen == [200]
    s = ivs.Session(region_name="us-west-2")
    assert "us-west-2" in s.get_available_regions("ivs") and "aws-global" not in s.get_available_regions("ivs")
    assert "cn-north-1" in s.get_available_regions("ivs", "aws-cn") and s.get_available_regions("s3") == []
    assert "aws" in s.get_available_partitions()
    u = ivs.client("ivs", region_name="us-west-2", endpoint_url=sys.argv[1], config=ivs.Config(signature_version=ivs.UNSIGNED))
    try:
        u.list_channels()
    except exc.ClientError as e:
        assert e.response["Error"]["Code"] == "MissingAuthenticationTokenException", e.response
    print("ok")
""")


def test_without_botocore_ivs_stands_alone(url):
    env = dict(os.environ, PYTHONPATH=BINDING)
    out = subprocess.run([sys.executable, "-c", WITHOUT_BOTOCORE, url], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
