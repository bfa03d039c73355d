"""Error handling as boto3 scripts do it: every failure is caught through botocore's exception classes
(ParamValidationError, ClientError and its Error.Code, EndpointConnectionError, ConnectTimeoutError,
ReadTimeoutError, NoCredentialsError, the BotoCoreError family), with retries configured explicitly.
Faults come from ivs-local's control API, unreachable endpoints from local sockets."""
import json
import os
import socket
import time
import urllib.request

import botocore.exceptions

import ivs

RETRIES = ivs.Config(retries={"mode": "standard", "total_max_attempts": 3})


def fault(**spec: object) -> None:
    request = urllib.request.Request(f"{os.environ['IVS_LOCAL_URL']}/_local/faults", data=json.dumps(spec).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def attempts_logged(operation: str) -> int:
    url = f"{os.environ['IVS_LOCAL_URL']}/_local/requests?operation={operation}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return len(json.load(response)["requests"])


def report(label: str, e: Exception) -> None:
    print(label, type(e).__name__, str(e).splitlines()[0])


def main() -> None:
    client = ivs.client("ivs", config=RETRIES)

    try:
        client.get_channel()  # type: ignore[call-arg]  # the required arn is missing, on purpose
    except botocore.exceptions.ParamValidationError as e:
        report("missing arn:", e)
    try:
        client.create_channel(name=42)  # type: ignore[arg-type]  # a name must be a string
    except botocore.exceptions.BotoCoreError as e:
        report("wrong type:", e)

    # Lengths and values over a maximum are the service's to refuse, as with boto3.
    try:
        client.create_channel(name="x" * 200)
    except botocore.exceptions.ClientError as e:
        print("too long:", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
        print("  message mentions the limit:", "128" in e.response["Error"]["Message"])

    fault(service="ivs", operation="ListChannels", count=10, status=500, code="InternalServerException",
          message="the service is having a bad day")
    try:
        client.list_channels()
    except client.exceptions.InternalServerException as e:
        print("server error:", str(e))
        meta = e.response["ResponseMetadata"]
        print("  retries:", meta["RetryAttempts"], meta.get("MaxAttemptsReached"), attempts_logged("ListChannels"))
    fault_clear()

    fault(service="ivs", operation="ListStreams", count=1, status=429, code="ThrottlingException",
          message="Rate exceeded")
    streams = client.list_streams()
    print("throttled once, then:", streams["streams"], streams["ResponseMetadata"]["RetryAttempts"])

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    nowhere = ivs.client("ivs", endpoint_url=closed, config=ivs.Config(retries={"total_max_attempts": 1}))
    try:
        nowhere.list_channels()
    except botocore.exceptions.EndpointConnectionError as e:
        report("refused:", e)
        print("  a ConnectionError:", isinstance(e, botocore.exceptions.ConnectionError))

    listener, fillers, silent = unanswered_listener()
    try:
        slow_to_connect = ivs.client("ivs", endpoint_url=silent,
                                     config=ivs.Config(connect_timeout=0.5, retries={"total_max_attempts": 1}))
        slow_to_connect.list_channels()
    except botocore.exceptions.ConnectTimeoutError as e:
        report("connect timeout:", e)
    finally:
        for sock in fillers + [listener]:
            sock.close()

    fault(service="ivs", operation="ListPlaybackKeyPairs", count=1, action="delay", delayMs=1500)
    impatient = ivs.client("ivs", config=ivs.Config(read_timeout=0.3, retries={"total_max_attempts": 1}))
    try:
        impatient.list_playback_key_pairs()
    except botocore.exceptions.ReadTimeoutError as e:
        report("read timeout:", e)
        print("  an HTTPClientError:", isinstance(e, botocore.exceptions.HTTPClientError))
    time.sleep(1.5)  # let ivs-local answer the held request before the next script resets it

    anonymous = ivs.Session(profile_name="nocreds").client("ivs")
    try:
        anonymous.list_channels()
    except botocore.exceptions.NoCredentialsError as e:
        report("no credentials:", e)
    print("done")


def fault_clear() -> None:
    request = urllib.request.Request(f"{os.environ['IVS_LOCAL_URL']}/_local/faults", method="DELETE")
    with urllib.request.urlopen(request, timeout=10):
        pass


def unanswered_listener() -> tuple[socket.socket, list[socket.socket], str]:
    """A port whose accept queue is full: connecting to it is never answered, so it times out."""
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


if __name__ == "__main__":
    main()
