"""Stage session report: creates a stage with participant tokens, lets participants join (ivs-local's
control API stands in for the real clients), then reports the sessions, participants and their
events with times: the datetimes the client returns are compared, subtracted and printed."""
import datetime
import json
import os
import urllib.request

import ivs


def simulate(route: str, body: dict[str, object]) -> None:
    """What real participants would do, through ivs-local's control API."""
    request = urllib.request.Request(f"{os.environ['IVS_LOCAL_URL']}/_local/{route}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def describe(when: datetime.datetime) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    age = now - when
    return f"{type(when).__name__} utcoffset={when.utcoffset()} tz={when.tzinfo!r} past={when <= now} " \
           f"within-a-minute={age < datetime.timedelta(minutes=1)}"


def main() -> None:
    rt = ivs.client("ivs-realtime")
    created = rt.create_stage(name="weekly-standup", tags={"team": "a"},
                              participantTokenConfigurations=[{"userId": "host", "capabilities": ["PUBLISH", "SUBSCRIBE"],
                                                               "duration": 120, "attributes": {"role": "host"}}])
    stage = created["stage"]
    host_token = created["participantTokens"][0]
    print("stage", stage["name"], sorted(stage["endpoints"]))
    print("host token", host_token["userId"], host_token["capabilities"], host_token["duration"],
          describe_expiry(host_token["expirationTime"]))
    guest = rt.create_participant_token(stageArn=stage["arn"], userId="guest", duration=30,
                                        capabilities=["SUBSCRIBE"])["participantToken"]
    print("guest token", guest["userId"], describe_expiry(guest["expirationTime"]))

    simulate("stages/participants", {"stageArn": stage["arn"], "participantId": host_token["participantId"]})
    simulate("stages/participants", {"stageArn": stage["arn"], "participantId": guest["participantId"]})

    sessions = rt.list_stage_sessions(stageArn=stage["arn"])["stageSessions"]
    print("sessions", len(sessions), "ended" if sessions[0].get("endTime") else "running")
    session = rt.get_stage_session(stageArn=stage["arn"], sessionId=sessions[0]["sessionId"])["stageSession"]
    print("session start", describe(session["startTime"]))

    participants = rt.list_participants(stageArn=stage["arn"], sessionId=session["sessionId"])["participants"]
    for p in sorted(participants, key=lambda p: p["userId"]):
        detail = rt.get_participant(stageArn=stage["arn"], sessionId=session["sessionId"],
                                    participantId=p["participantId"])["participant"]
        print("participant", p["userId"], p["state"], detail.get("attributes"), describe(detail["firstJoinTime"]))
        events = rt.list_participant_events(stageArn=stage["arn"], sessionId=session["sessionId"],
                                            participantId=p["participantId"])["events"]
        times = [e["eventTime"] for e in events]
        print("  events", [e["name"] for e in events], "ordered" if times == sorted(times) else "unordered",
              all(t >= session["startTime"] for t in times))

    simulate("stages/sessions/end", {"stageArn": stage["arn"]})
    ended = rt.get_stage_session(stageArn=stage["arn"], sessionId=session["sessionId"])["stageSession"]
    lasted = ended["endTime"] - ended["startTime"]
    print("session ended", type(lasted).__name__, lasted >= datetime.timedelta(0), lasted < datetime.timedelta(minutes=1))
    keys = rt.get_paginator("list_public_keys").paginate(PaginationConfig={"PageSize": 5}).build_full_result()
    print("public keys", keys)
    rt.delete_stage(arn=stage["arn"])
    print("stages left", rt.list_stages()["stages"])
    print("done")


def describe_expiry(when: datetime.datetime) -> str:
    left = when - datetime.datetime.now(datetime.timezone.utc)
    return f"expires in about {round(left.total_seconds() / 60)} min, tz={when.tzinfo!r}"


if __name__ == "__main__":
    main()
