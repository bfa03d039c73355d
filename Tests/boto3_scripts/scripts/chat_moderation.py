"""Chat moderation tooling: creates rooms with a logging configuration, hands out chat tokens, sends
events, and uses client event hooks as boto3 code does (defaults injected before the parameters are
built, every call's status recorded after it), then removes everything."""
import datetime
from typing import Any, Dict, List, Tuple

import botocore.exceptions

import ivs

calls: List[Tuple[str, int]] = []


def add_default_tags(params: Dict[str, Any], **kwargs: Any) -> None:
    """before-parameter-build: every room gets the team's tags unless the caller set them."""
    params.setdefault("tags", {"team": "moderation"})


def cap_message_length(params: Dict[str, Any], **kwargs: Any) -> Dict[str, Any]:
    """provide-client-params: the parameters used instead of the caller's."""
    return dict(params, maximumMessageLength=min(int(params.get("maximumMessageLength", 500)), 500))


def record(http_response: Any, parsed: Dict[str, Any], model: Any, **kwargs: Any) -> None:
    calls.append((model.name, http_response.status_code))


def main() -> None:
    chat = ivs.client("ivschat")
    chat.meta.events.register("before-parameter-build.ivschat.CreateRoom", add_default_tags)
    chat.meta.events.register("provide-client-params.ivschat.UpdateRoom", cap_message_length)
    chat.meta.events.register("after-call.ivschat", record)

    logging = chat.create_logging_configuration(name="moderation-logs",
                                                destinationConfiguration={"cloudWatchLogs": {"logGroupName": "/chat/mod"}})
    print("logging", logging["name"], logging["state"], sorted(logging["destinationConfiguration"]))
    rooms = []
    for n in range(3):
        room = chat.create_room(name=f"room-{n}", maximumMessageRatePerSecond=5,
                                loggingConfigurationIdentifiers=[logging["arn"]])
        rooms.append(room["arn"])
        print("room", room["name"], room["tags"], room["maximumMessageLength"], isinstance(room["createTime"], datetime.datetime))
    updated = chat.update_room(identifier=rooms[0], maximumMessageLength=5000)
    print("capped", updated["maximumMessageLength"], updated["updateTime"] >= updated["createTime"])

    # ivschat declares no paginator in botocore: the script follows nextToken itself.
    names, token, pages = [], None, 0
    while True:
        page = chat.list_rooms(maxResults=2, **({"nextToken": token} if token else {}))
        names += [r["name"] for r in page["rooms"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    print("rooms", sorted(names), pages, chat.can_paginate("list_rooms") in (True, False))

    chat_token = chat.create_chat_token(roomIdentifier=rooms[0], userId="moderator", capabilities=["DELETE_MESSAGE"],
                                   sessionDurationInMinutes=30, attributes={"role": "mod"})
    now = datetime.datetime.now(datetime.timezone.utc)
    print("token", chat_token["tokenExpirationTime"] > now,
          chat_token["sessionExpirationTime"] > chat_token["tokenExpirationTime"],
          round((chat_token["sessionExpirationTime"] - now).total_seconds() / 60))
    chat.send_event(roomIdentifier=rooms[0], eventName="app:announcement", attributes={"text": "welcome"})
    chat.delete_message(roomIdentifier=rooms[0], id="ABCDEFGHIJKL", reason="spam")
    chat.disconnect_user(roomIdentifier=rooms[0], userId="troll", reason="rules")

    chat.meta.events.unregister("after-call.ivschat", record)
    for arn in rooms:
        chat.delete_room(identifier=arn)
    chat.delete_logging_configuration(identifier=logging["arn"])
    try:
        chat.get_room(identifier=rooms[0])
    except botocore.exceptions.ClientError as e:
        print("deleted room", e.response["Error"]["Code"])
    print("calls", calls)
    print("done")


if __name__ == "__main__":
    main()
