"""client.meta.events: botocore's event hooks on an ivs client, so that botocore.stub.Stubber works for
users' unit tests and handlers written for boto3 run at the same points of a call."""
import datetime
import json

import botocore.exceptions
import pytest
from botocore.stub import ANY, Stubber

import ivs
from ivs import exceptions as exc
from ivs.hooks import EventHooks

ARN = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"


def both(make_boto, make_ivs, service="ivs"):
    return [("boto3", make_boto(service)), ("ivs", make_ivs(service))]


def test_stubber_responses_errors_and_expected_params(fresh, make_boto, make_ivs):
    """The same Stubber session gives the same outcomes on both clients, and nothing is sent."""
    outcomes = {}
    for name, c in both(make_boto, make_ivs):
        seen = []
        with Stubber(c) as stub:
            when = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
            stub.add_response("get_stream", {"stream": {"channelArn": ARN, "startTime": when, "state": "LIVE",
                                                        "health": "HEALTHY", "viewerCount": 7}},
                              {"channelArn": ARN})
            stub.add_client_error("get_channel", "ResourceNotFoundException", "no such channel", 404,
                                  expected_params={"arn": ANY},
                                  modeled_fields={"exceptionMessage": "no such channel"})
            stub.add_response("list_channels", {"channels": [{"arn": ARN, "name": "a"}]})
            seen.append(c.get_stream(channelArn=ARN))
            with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
                c.get_channel(arn=ARN)
            seen.append((type(info.value).__name__, info.value.response, str(info.value)))
            with pytest.raises(botocore.exceptions.ParamValidationError) as info:
                c.list_channels(maxResults="ten")  # validated before the stub answers, as botocore does
            seen.append(str(info.value))
            seen.append(c.list_channels())
            stub.assert_no_pending_responses()
            with pytest.raises(botocore.exceptions.UnStubbedResponseError):
                c.list_channels()
            stub.add_response("get_channel", {}, {"arn": ARN})
            with pytest.raises(botocore.exceptions.StubAssertionError):
                c.get_channel(arn=ARN + "x")
        outcomes[name] = seen
    assert outcomes["ivs"] == outcomes["boto3"]
    assert isinstance(outcomes["ivs"][0]["stream"]["startTime"], datetime.datetime)
    assert fresh.requests() == []


def test_stubber_deactivated_lets_calls_through(fresh, make_ivs):
    c = make_ivs("ivs")
    stub = Stubber(c)
    stub.add_response("list_channels", {"channels": []})
    stub.activate()
    assert c.list_channels() == {"channels": []}
    stub.deactivate()
    assert "ResponseMetadata" in c.list_channels()
    assert len(fresh.requests()) == 1
    assert not c.meta.events  # deactivating unregistered every handler: calls take the fast path again


def test_stubber_rejects_a_response_the_model_does_not_allow(make_ivs):
    with pytest.raises(botocore.exceptions.ParamValidationError):
        Stubber(make_ivs("ivs")).add_response("get_channel", {"channel": {"name": 5}})


def test_handlers_change_params_and_see_results(fresh, make_boto, make_ivs):
    """provide-client-params replaces the input, before-parameter-build changes it in place,
    after-call sees the HTTP status and the parsed result: the same requests reach ivs-local."""
    bodies, calls = {}, {}
    for name, c in both(make_boto, make_ivs, "ivschat"):
        fresh.reset()
        log = []

        def defaults(params, **kwargs):
            return dict(params, maximumMessageLength=321)

        def tag(params, model, **kwargs):
            params.setdefault("tags", {})["owner"] = "tests"
            log.append(("build", model.name, kwargs["event_name"]))

        def after(http_response, parsed, model, **kwargs):
            log.append(("after", model.name, http_response.status_code, sorted(k for k in parsed if k != "ResponseMetadata")))

        c.meta.events.register("provide-client-params.ivschat.CreateRoom", defaults)
        c.meta.events.register("before-parameter-build.ivschat.CreateRoom", tag)
        c.meta.events.register("after-call.*.*", after)
        room = c.create_room(name="hooks")
        with pytest.raises(botocore.exceptions.ClientError):
            c.get_room(identifier=room["arn"] + "x")
        c.meta.events.unregister("after-call.*.*", after)
        c.list_rooms()
        bodies[name] = [json.loads((r["body"] or "{}").replace(room["arn"], "<room>")) for r in fresh.requests()]
        calls[name] = log
        assert room["maximumMessageLength"] == 321 and room["tags"] == {"owner": "tests"}
    assert bodies["ivs"] == bodies["boto3"]
    assert calls["ivs"] == calls["boto3"]


def test_needs_retry_handler_can_ask_for_another_attempt(fresh, make_ivs):
    """libivs retries inside the call; a needs-retry handler is asked once the call's own attempts
    are done and may ask for the call again (a number: seconds to wait)."""
    fresh.fault(service="ivs", operation="ListChannels", count=1, status=400, code="AccessDeniedException",
                message="not yet")
    c = make_ivs("ivs", config=ivs.Config(retries={"total_max_attempts": 2, "mode": "standard"}))
    asked = []

    def retry_access_denied(response, attempts, **kwargs):
        asked.append((attempts, response[1]["ResponseMetadata"]["HTTPStatusCode"] if response else None))
        if response and response[1].get("Error", {}).get("Code") == "AccessDeniedException":
            return 0
        return None

    c.meta.events.register("needs-retry.ivs.ListChannels", retry_access_denied)
    assert "channels" in c.list_channels()
    assert asked == [(1, 400), (2, 200)]
    assert len(fresh.requests()) == 2


def test_after_call_error_for_errors_the_service_did_not_send(make_ivs):
    c = make_ivs("ivs", endpoint_url="http://127.0.0.1:9")
    seen = []
    c.meta.events.register("after-call-error", lambda exception, **kw: seen.append(type(exception).__name__))
    with pytest.raises(exc.EndpointConnectionError):
        c.list_channels()
    assert seen == ["EndpointConnectionError"]


def test_emitter_rules_are_botocores():
    hooks = EventHooks()
    order = []

    def make(tag):
        def handler(**kwargs):
            order.append(tag)
        return handler

    specific, middle, general, first, last = (make(t) for t in ("specific", "middle", "general", "first", "last"))
    hooks.register("e", general)
    hooks.register("e.svc.Op", specific)
    hooks.register("e.*", middle)
    hooks.register_first("e", first)
    hooks.register_last("e", last)
    hooks.emit("e.svc.Op")
    assert order == ["specific", "middle", "first", "general", "last"]
    order.clear()
    hooks.emit("e.other.Op")
    assert order == ["middle", "first", "general", "last"]
    # unique_id: a second registration is ignored; with counts, it takes as many unregistrations.
    hooks.register("x", first, unique_id="u")
    hooks.register("x", first, unique_id="u")
    assert hooks.handlers_for("x") == [first]
    hooks.unregister("x", unique_id="u")
    assert hooks.handlers_for("x") == []
    hooks.register("y", last, unique_id="c", unique_id_uses_count=True)
    hooks.register("y", last, unique_id="c", unique_id_uses_count=True)
    hooks.unregister("y", unique_id="c", unique_id_uses_count=True)
    assert hooks.handlers_for("y") == [last]
    hooks.unregister("y", unique_id="c", unique_id_uses_count=True)
    assert hooks.handlers_for("y") == []
    with pytest.raises(ValueError):
        hooks.register("z", lambda params: None)  # handlers must take **kwargs, as botocore requires
    assert hooks.emit_until_response("nothing") == (None, None)
    hooks.register("r", lambda **kw: None)
    hooks.register("r", lambda **kw: kw["event_name"])
    hooks.register("r", lambda **kw: "never")
    assert hooks.emit_until_response("r")[1] == "r"
