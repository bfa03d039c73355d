"""A user's own unit tests of code that uses the client, with botocore's Stubber: stubbed responses
with expected parameters, stubbed errors caught as the code under test catches them, paginated
stubs, datetimes in stubbed output, and the checks Stubber makes on the test itself."""
import datetime
import sys
import unittest
from typing import Any, List

import botocore.exceptions
from botocore.stub import ANY, Stubber

import ivs

CHANNEL = "arn:aws:ivs:us-west-2:123456789012:channel/AbCdEfGh1234"


# -- the code under test -------------------------------------------------------------------------

def live_channel_names(client: Any) -> List[str]:
    """The names of the channels that are live, newest stream first."""
    streams = [s for page in client.get_paginator("list_streams").paginate() for s in page["streams"]]
    streams.sort(key=lambda s: s["startTime"], reverse=True)
    names = []
    for stream in streams:
        try:
            names.append(client.get_channel(arn=stream["channelArn"])["channel"]["name"])
        except client.exceptions.ResourceNotFoundException:
            continue  # deleted since it was listed
    return names


def ensure_stream_key(client: Any, channel_arn: str) -> str:
    keys = client.list_stream_keys(channelArn=channel_arn)["streamKeys"]
    if keys:
        arn: str = keys[0]["arn"]
        return arn
    try:
        created: str = client.create_stream_key(channelArn=channel_arn)["streamKey"]["arn"]
        return created
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "ServiceQuotaExceededException":
            return "quota"
        raise


# -- the tests -----------------------------------------------------------------------------------

class ChannelCodeTests(unittest.TestCase):
    def setUp(self) -> None:
        self.client = ivs.client("ivs", region_name="us-west-2", aws_access_key_id="testing",
                                 aws_secret_access_key="testing")
        self.stub = Stubber(self.client)
        self.stub.activate()

    def tearDown(self) -> None:
        self.stub.deactivate()

    def test_live_channels_newest_first_skipping_deleted(self) -> None:
        older = datetime.datetime(2026, 1, 1, 8, 0, tzinfo=datetime.timezone.utc)
        newer = older + datetime.timedelta(hours=2)
        self.stub.add_response("list_streams", {"streams": [{"channelArn": CHANNEL + "1", "startTime": older}],
                                                "nextToken": "page2"})
        self.stub.add_response("list_streams", {"streams": [{"channelArn": CHANNEL + "2", "startTime": newer},
                                                            {"channelArn": CHANNEL + "3", "startTime": older}]},
                               {"nextToken": "page2"})
        self.stub.add_response("get_channel", {"channel": {"arn": CHANNEL + "2", "name": "newest"}},
                               {"arn": CHANNEL + "2"})
        self.stub.add_client_error("get_channel", "ResourceNotFoundException", "gone", 404,
                                   expected_params={"arn": ANY})
        self.stub.add_response("get_channel", {"channel": {"arn": CHANNEL + "3", "name": "oldest"}},
                               {"arn": CHANNEL + "3"})
        self.assertEqual(live_channel_names(self.client), ["newest", "oldest"])
        self.stub.assert_no_pending_responses()

    def test_existing_key_is_reused(self) -> None:
        self.stub.add_response("list_stream_keys", {"streamKeys": [{"arn": "key-1", "channelArn": CHANNEL}]},
                               {"channelArn": CHANNEL})
        self.assertEqual(ensure_stream_key(self.client, CHANNEL), "key-1")

    def test_quota_error_is_handled(self) -> None:
        self.stub.add_response("list_stream_keys", {"streamKeys": []})
        self.stub.add_client_error("create_stream_key", service_error_code="ServiceQuotaExceededException",
                                   service_message="one key per channel", http_status_code=402)
        self.assertEqual(ensure_stream_key(self.client, CHANNEL), "quota")

    def test_other_errors_propagate_with_their_response(self) -> None:
        self.stub.add_response("list_stream_keys", {"streamKeys": []})
        self.stub.add_client_error("create_stream_key", "AccessDeniedException", "no", 403,
                                   response_meta={"RequestId": "req-1"})
        with self.assertRaises(self.client.exceptions.AccessDeniedException) as caught:
            ensure_stream_key(self.client, CHANNEL)
        print("\n    error response:", caught.exception.response, end=" ")

    def test_wrong_parameters_fail_the_test(self) -> None:
        self.stub.add_response("get_channel", {"channel": {"name": "x"}}, {"arn": CHANNEL})
        with self.assertRaises(botocore.exceptions.StubAssertionError):
            self.client.get_channel(arn=CHANNEL + "other")

    def test_invalid_input_is_refused_before_the_stub(self) -> None:
        self.stub.add_response("get_channel", {"channel": {"name": "x"}})
        with self.assertRaises(botocore.exceptions.ParamValidationError) as caught:
            self.client.get_channel(arn="")
        print("\n    " + str(caught.exception).replace("\n", " / "), end=" ")
        self.assertEqual(self.client.get_channel(arn=CHANNEL), {"channel": {"name": "x"}})

    def test_unexpected_call(self) -> None:
        with self.assertRaises(botocore.exceptions.UnStubbedResponseError):
            self.client.list_channels()

    def test_response_must_fit_the_model(self) -> None:
        with self.assertRaises(botocore.exceptions.ParamValidationError):
            self.stub.add_response("get_channel", {"channel": {"latencyMode": 3}})


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2),
                           exit=False).result
    print("done" if result.wasSuccessful() else "FAILED")
