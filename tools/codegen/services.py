"""The services libivs serves, from models/services.json: the one list that the generator, the endpoint
compiler, the fixture scripts and the model refresh read."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "models")


def _ident(name):
    """The Swift identifier of a service: ivs-realtime -> ivsRealtime."""
    head, *rest = name.split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


with open(os.path.join(MODELS, "services.json"), encoding="utf-8") as _f:
    SERVICES = [dict(s, ident=_ident(s["name"])) for s in json.load(_f)["services"]]

NAMES = [s["name"] for s in SERVICES]


def model_path(service, filename):
    """models/<service>/<apiVersion>/<filename>."""
    version = next(s["apiVersion"] for s in SERVICES if s["name"] == service)
    return os.path.join(MODELS, service, version, filename)


def load(service, filename):
    with open(model_path(service, filename), encoding="utf-8") as f:
        return json.load(f)


def version():
    """The library version, from VERSION at the repository root."""
    with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
        return f.read().strip()


if __name__ == "__main__":  # for shell scripts: one service name per line
    print("\n".join(NAMES))
