"""Sessions and configuration: profiles from the shared files (region, endpoint, retry settings,
endpoint variants), credentials and their source, partitions and regions, what a client says about
itself (client.meta: region, endpoint, config, service model), an unknown profile, and unsigned
requests."""
import botocore.exceptions

import ivs


def main() -> None:
    default = ivs.Session()
    print("default session", default.profile_name, default.region_name)
    print("profiles", sorted(default.available_profiles))
    creds = default.get_credentials()
    assert creds is not None
    frozen = creds.get_frozen_credentials()
    print("credentials", creds.method, frozen.access_key, len(frozen.secret_key), frozen.token)
    print("partitions", sorted(default.get_available_partitions()))
    print("regions", default.get_available_regions("ivs"), default.get_available_regions("ivschat", "aws-cn"))

    dev = ivs.Session(profile_name="dev")
    client = dev.client("ivs")
    print("dev", dev.profile_name, client.meta.region_name, client.meta.endpoint_url == default.client("ivs").meta.endpoint_url)
    print("dev retries", client.meta.config.retries, client.meta.config.region_name, client.meta.config.signature_version)
    print("dev works", client.list_channels()["channels"])

    for profile in ("fips", "china", "dualstack", "ivs-only-endpoint"):
        session = ivs.Session(profile_name=profile)
        print(profile, {name: (c.meta.region_name, c.meta.endpoint_url, c.meta.partition)
                        for name, c in ((s, session.client(s)) for s in ("ivs", "ivs-realtime", "ivschat"))})

    sm = client.meta.service_model
    print("model", sm.service_name, sm.signing_name, sm.protocol, sm.metadata["serviceId"], sm.api_version)
    print("operations", [name in sm.operation_names for name in ("CreateChannel", "ListChannels", "NoSuchThing")])
    op = sm.operation_model("CreateChannel")
    print("create channel input", sorted(op.input_shape.members), op.http["method"], op.http["requestUri"])
    print("channel shape", sorted(sm.shape_for("Channel").members)[:5])
    print("methods", sorted(client.meta.method_to_api_mapping.items())[:3])
    print("paginators", client.can_paginate("list_channels"), client.can_paginate("get_channel"))
    try:
        client.can_paginate("describe_everything")
    except KeyError as e:
        print("unknown operation", repr(e))

    try:
        ivs.Session(profile_name="no-such-profile")
    except botocore.exceptions.ProfileNotFound as e:
        print("profile:", e)

    anonymous = ivs.client("ivs", config=ivs.Config(signature_version=ivs.UNSIGNED))
    print("unsigned config", anonymous.meta.config.signature_version is ivs.UNSIGNED)
    try:
        anonymous.list_channels()
    except botocore.exceptions.ClientError as e:
        print("unsigned call", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
    print("done")


if __name__ == "__main__":
    main()
