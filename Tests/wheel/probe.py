"""Run with a fresh virtual environment's python (-I, so nothing from the test's environment is
imported): imports the installed ivs, makes calls against the endpoint in argv[1], and prints as JSON
where ivs, libivs.so and the C libraries under it were loaded from, and what the calls returned."""
import json
import sys

import ivs
from ivs import _lib

url = sys.argv[1]
kw = dict(region_name="us-west-2", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test")
channels = ivs.client("ivs", **kw)
channel = channels.create_channel(name="wheel-probe")["channel"]
names = [c["name"] for c in channels.list_channels()["channels"]]
chat = ivs.client("ivschat", **kw)
room = chat.create_room(name="wheel-probe")
again = chat.get_room(identifier=room["arn"])
with open("/proc/self/maps", encoding="utf-8") as f:
    mapped = sorted({line.split()[-1] for line in f if "/" in line and ".so" in line})
print(json.dumps({
    "prefix": sys.prefix,
    "ivs_file": ivs.__file__,
    "library": _lib.lib()._name,
    "version": ivs.library_version(),
    "channel": channel["arn"],
    "names": names,
    "room": room["arn"],
    "room_again": again["arn"],
    "mapped": mapped,
}))
