"""Channel inventory: creates a team's channels, lists them page by page, resumes a listing, tags and
renames one, reports what BatchGetChannel cannot find, then cleans up and checks that the channels
are gone (ResourceNotFoundException, caught as botocore's ClientError)."""
import botocore.exceptions

import ivs


def main() -> None:
    client = ivs.client("ivs")
    arns = []
    for n in range(5):
        channel = client.create_channel(name=f"team-a-{n}", latencyMode="LOW", type="BASIC",
                                        tags={"team": "a", "index": str(n)})["channel"]
        arns.append(channel["arn"])
        print("created", channel["name"], channel["latencyMode"], channel["type"], channel["authorized"])

    paginator = client.get_paginator("list_channels")
    for number, page in enumerate(paginator.paginate(PaginationConfig={"PageSize": 2}), 1):
        print("page", number, sorted(c["name"] for c in page["channels"]), "more" if "nextToken" in page else "last")

    first = paginator.paginate(PaginationConfig={"MaxItems": 3, "PageSize": 2}).build_full_result()
    print("first three", len(first["channels"]), "resume token" if "NextToken" in first else "no token")
    rest = paginator.paginate(PaginationConfig={"StartingToken": first["NextToken"], "PageSize": 2}).build_full_result()
    print("the rest", len(rest["channels"]), sorted(c["name"] for c in first["channels"] + rest["channels"]))
    print("filtered", [c["name"] for c in client.list_channels(filterByName="team-a-3")["channels"]])

    client.tag_resource(resourceArn=arns[0], tags={"env": "prod"})
    client.untag_resource(resourceArn=arns[0], tagKeys=["index"])
    print("tags", sorted(client.list_tags_for_resource(resourceArn=arns[0])["tags"].items()))
    renamed = client.update_channel(arn=arns[0], name="team-a-main", latencyMode="NORMAL")["channel"]
    print("renamed", renamed["name"], renamed["latencyMode"])

    missing = arns[1][:-4] + "Zzzz"
    batch = client.batch_get_channel(arns=[arns[1], missing])
    print("batch", [c["name"] for c in batch["channels"]], [(e["arn"] == missing, e["code"]) for e in batch["errors"]])

    key = client.list_stream_keys(channelArn=arns[1])["streamKeys"][0]
    print("stream key", key["channelArn"] == arns[1], sorted(key))

    for arn in arns:
        client.delete_channel(arn=arn)
    try:
        client.get_channel(arn=arns[0])
    except botocore.exceptions.ClientError as e:
        error = e.response["Error"]
        print("after delete", error["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.operation_name)
        print("modeled class", isinstance(e, client.exceptions.ResourceNotFoundException), type(e).__name__)
        print("error members", sorted(k for k in e.response if k not in ("Error", "ResponseMetadata")))
        print("error headers", "x-amzn-errortype" in e.response["ResponseMetadata"]["HTTPHeaders"])
    print("left", client.list_channels()["channels"])
    print("done")


if __name__ == "__main__":
    main()
