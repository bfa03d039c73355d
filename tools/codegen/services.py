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
    _LIST = json.load(_f)
SERVICES = [dict(s, ident=_ident(s["name"])) for s in _LIST["services"]]
# The botocore release the models were copied from (scripts/refresh-models.sh records it).
BOTOCORE = _LIST["botocore"]

NAMES = [s["name"] for s in SERVICES]


def model_path(service, filename):
    """models/<service>/<apiVersion>/<filename>."""
    version = next(s["apiVersion"] for s in SERVICES if s["name"] == service)
    return os.path.join(MODELS, service, version, filename)


def load(service, filename):
    with open(model_path(service, filename), encoding="utf-8") as f:
        return json.load(f)


def require_botocore(installed):
    """Stops a fixture script run with another botocore than the models came from: its vectors would
    describe other models."""
    if installed != BOTOCORE:
        raise SystemExit(f"botocore {installed} is installed; models/ comes from botocore {BOTOCORE} "
                         "(scripts/setup.sh installs it into .venv)")


def version():
    """The library version, from VERSION at the repository root."""
    with open(os.path.join(ROOT, "VERSION"), encoding="utf-8") as f:
        return f.read().strip()


if __name__ == "__main__":  # for shell scripts: one service name per line
    print("\n".join(NAMES))
