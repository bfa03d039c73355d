"""The service models as ivs_describe reports them, indexed once per process for the clients.

Everything a client needs per operation (its API name, paginator, and the converter that turns
output timestamps into datetimes) is computed once per service and cached. For client.meta, the
same model is also offered as a botocore.model.ServiceModel when botocore is importable
(botocore_service_model): from the repository's vendored model (models/<service>/<apiVersion>/
service-2.json) when the package runs from a checkout whose model matches the loaded library, else
built from ivs_describe, which carries every shape, member, location and limit.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _lib

UTC: datetime.tzinfo
try:
    # botocore parses ISO 8601 with dateutil, whose "Z" is tzlocal() when the local zone is named UTC
    # and tzutc() otherwise: the same tzinfo here, so that types and reprs match boto3's.
    from dateutil.tz import tzlocal as _tzlocal, tzutc as _tzutc  # type: ignore[import-untyped,unused-ignore]
    UTC = _tzlocal() if "UTC" in time.tzname else _tzutc()
except ImportError:  # pragma: no cover - dateutil is optional
    UTC = datetime.timezone.utc

_ISO8601 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
                      r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$")

Converter = Callable[[Any], Any]


def parse_timestamp(text: Any) -> Any:
    """An ISO 8601 string from libivs as an aware datetime (UTC), as botocore parses it."""
    if not isinstance(text, str):
        if isinstance(text, (int, float)):
            return datetime.datetime.fromtimestamp(text, UTC)
        return text
    m = _ISO8601.match(text)
    if not m:
        return text
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    frac = m.group(7) or ""
    micro = int((frac + "000000")[:6]) if frac else 0
    value = datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=datetime.timezone.utc)
    if m.group(9):
        offset = datetime.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        value = value - offset if m.group(9) == "+" else value + offset
    return value.replace(tzinfo=UTC) if UTC is not datetime.timezone.utc else value


def format_timestamp(value: datetime.datetime) -> str:
    """A datetime input as the ISO 8601 UTC string libivs accepts; naive datetimes are UTC (botocore)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += ".%06d" % value.microsecond
    return text + "Z"


class Operation:
    """One operation as ivs_describe reports it (name is the API name, e.g. CreateChannel)."""

    __slots__ = ("name", "name_bytes", "snake_name", "http", "input", "output", "errors", "paginator",
                 "convert_output")

    def __init__(self, name: str, d: Dict[str, Any], convert_output: Optional[Converter]) -> None:
        self.name = name
        self.name_bytes = name.encode("utf-8")
        self.snake_name: str = d["snakeName"]
        self.http: Dict[str, str] = d.get("http") or {}
        self.input: Optional[str] = d.get("input")
        self.output: Optional[str] = d.get("output")
        self.errors: Tuple[str, ...] = tuple(d.get("errors", ()))
        self.paginator: Optional[Dict[str, Any]] = d.get("paginator")
        self.convert_output = convert_output


class ServiceModel:
    """A service as ivs_describe reports it. Besides what the clients use, it answers the questions
    botocore's ServiceModel answers (service_name, signing_name, operation_names, operation_model,
    shape_for, metadata, protocol): client.meta.service_model is this object when botocore is not
    importable."""

    protocol = "rest-json"

    def __init__(self, name: str, d: Dict[str, Any]) -> None:
        self.name = name
        self.service_name = name
        self.service_id: str = d.get("serviceId", name)
        self.api_version: Optional[str] = d.get("apiVersion")
        self.endpoint_prefix: str = d.get("endpointPrefix", name)
        self.signing_name: str = d.get("signingName", self.endpoint_prefix)
        self.shapes: Dict[str, Dict[str, Any]] = d["shapes"]
        self._converters: Dict[str, Optional[Converter]] = {}
        self.operations: Dict[str, Operation] = {}
        for op_name, od in sorted(d["operations"].items()):
            conv = self._converter(od["output"]) if od.get("output") else None
            self.operations[od["snakeName"]] = Operation(op_name, od, conv)
        self.by_api_name = {op.name: op for op in self.operations.values()}
        self.error_codes = sorted(n for n, s in self.shapes.items() if "error" in s)
        # Event names use botocore's hyphenized service id ("IVS RealTime" -> "ivs-realtime").
        self.event_service_id = self.service_id.replace(" ", "-").lower()

    @property
    def metadata(self) -> Dict[str, Any]:
        return {"apiVersion": self.api_version, "endpointPrefix": self.endpoint_prefix,
                "protocol": self.protocol, "protocols": [self.protocol], "serviceId": self.service_id,
                "signatureVersion": "v4", "signingName": self.signing_name,
                "uid": f"{self.name}-{self.api_version}"}

    @property
    def operation_names(self) -> List[str]:
        return sorted(self.by_api_name)

    @property
    def shape_names(self) -> List[str]:
        return sorted(self.shapes)

    def operation_model(self, operation_name: str) -> Operation:
        op = self.by_api_name.get(operation_name)
        if op is None:
            raise KeyError(operation_name)
        return op

    def shape_for(self, shape_name: str) -> Dict[str, Any]:
        return self.shapes[shape_name]

    def members(self, shape_name: str) -> Dict[str, Any]:
        members: Dict[str, Any] = self.shapes.get(shape_name, {}).get("members", {})
        return members

    def _converter(self, shape_name: str, _active: Optional[set[str]] = None) -> Optional[Converter]:
        """A function that replaces timestamp strings in a value of this shape with datetimes, in
        place, or None when the shape holds no timestamps."""
        if shape_name in self._converters:
            return self._converters[shape_name]
        active = _active if _active is not None else set()
        if shape_name in active:  # a recursive shape: resolved lazily at run time
            def convert_later(v: Any) -> Any:
                c = self._converters.get(shape_name)
                return c(v) if c else v
            return convert_later
        active.add(shape_name)
        shape = self.shapes.get(shape_name, {})
        kind = shape.get("type")
        result: Optional[Converter] = None
        if kind == "timestamp":
            result = parse_timestamp
        elif kind == "structure":
            subs: List[Tuple[str, Converter]] = []
            for m, ms in shape.get("members", {}).items():
                c = self._converter(ms["shape"], active)
                if c is not None:
                    subs.append((m, c))
            if subs:
                def convert_structure(value: Any, subs: Tuple[Tuple[str, Converter], ...] = tuple(subs)) -> Any:
                    if isinstance(value, dict):
                        for m, c in subs:
                            if m in value and value[m] is not None:
                                value[m] = c(value[m])
                    return value
                result = convert_structure
        elif kind == "list":
            element = self._converter(shape["member"], active)
            if element is not None:
                def convert_list(value: Any, c: Converter = element) -> Any:
                    return [c(v) for v in value] if isinstance(value, list) else value
                result = convert_list
        elif kind == "map":
            item = self._converter(shape["value"], active)
            if item is not None:
                def convert_map(value: Any, c: Converter = item) -> Any:
                    return {k: c(v) for k, v in value.items()} if isinstance(value, dict) else value
                result = convert_map
        active.discard(shape_name)
        self._converters[shape_name] = result
        return result


_models: Dict[str, ServiceModel] = {}
_models_lock = threading.Lock()


def service_model(name: str) -> ServiceModel:
    """The ServiceModel of one service; raises KeyError for an unknown name."""
    m = _models.get(name)
    if m is None:
        with _models_lock:
            m = _models.get(name)
            if m is None:
                m = ServiceModel(name, _lib.describe()["services"][name])
                _models[name] = m
    return m


def available_services() -> List[str]:
    return sorted(_lib.describe()["services"])


def partitions() -> Dict[str, Dict[str, Any]]:
    """The partitions libivs knows ({name: {"regions": [...], "dnsSuffix"}}), from ivs_describe."""
    found: Dict[str, Dict[str, Any]] = _lib.describe().get("partitions") or {}
    return found


def partition_of(region: Optional[str]) -> str:
    """The partition whose regions include region ("aws" when none does, as botocore's default)."""
    for name, p in partitions().items():
        if region in p.get("regions", ()):
            return name
    return "aws"


# -- botocore's ServiceModel ------------------------------------------------------------------------

# bindings/python/ivs -> the repository's models/ when the package runs from a checkout.
_REPO_MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "models")


def vendored_description(name: str) -> Optional[Dict[str, Any]]:
    """The repository's models/<name>/<apiVersion>/service-2.json, when present and describing the
    same API version and operations as the loaded library (else None: a stale checkout or an
    installed package)."""
    sm = service_model(name)
    path = os.path.join(_REPO_MODELS, name, sm.api_version or "", "service-2.json")
    try:
        with open(path, encoding="utf-8") as f:
            d: Dict[str, Any] = json.load(f)
    except (OSError, ValueError):
        return None
    if d.get("metadata", {}).get("apiVersion") != sm.api_version or set(d.get("operations", {})) != set(sm.by_api_name):
        return None
    return d


def _botocore_shape(shape: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"type": shape["type"]}
    kind = shape["type"]
    if kind == "structure":
        members: Dict[str, Any] = {}
        required: List[str] = []
        for name, m in shape.get("members", {}).items():
            member: Dict[str, Any] = {"shape": m["shape"]}
            for key in ("location", "locationName", "idempotencyToken"):
                if key in m:
                    member[key] = m[key]
            members[name] = member
            if m.get("required"):
                required.append(name)
        out["members"] = members
        if required:
            out["required"] = required
        if shape.get("union"):
            out["union"] = True
        if "error" in shape:
            status = shape["error"].get("httpStatus")
            out["error"] = {"httpStatusCode": status, "senderFault": bool(status and status < 500)}
            out["exception"] = True
    elif kind == "list":
        out["member"] = {"shape": shape["member"]}
    elif kind == "map":
        out["key"] = {"shape": shape["key"]}
        out["value"] = {"shape": shape["value"]}
    for key in ("min", "max", "pattern", "enum", "sensitive"):
        if key in shape:
            out[key] = shape[key]
    return out


def described_description(name: str) -> Dict[str, Any]:
    """The service in botocore's service-2.json form, built from ivs_describe (no documentation)."""
    sm = service_model(name)
    operations: Dict[str, Any] = {}
    for op in sm.by_api_name.values():
        od: Dict[str, Any] = {"name": op.name, "http": dict(op.http)}
        if op.input:
            od["input"] = {"shape": op.input}
        if op.output:
            od["output"] = {"shape": op.output}
        od["errors"] = [{"shape": e} for e in op.errors]
        operations[op.name] = od
    return {"version": "2.0", "metadata": sm.metadata, "operations": operations,
            "shapes": {n: _botocore_shape(s) for n, s in sm.shapes.items()}}


_botocore_models: Dict[str, Any] = {}


def botocore_service_model(name: str) -> Any:
    """botocore.model.ServiceModel of one service (botocore must be importable), built once per
    process: from the vendored model when vendored_description finds it, else from ivs_describe."""
    found = _botocore_models.get(name)
    if found is None:
        from botocore.model import ServiceModel as BotocoreServiceModel  # type: ignore[import-untyped,unused-ignore]
        with _models_lock:
            found = _botocore_models.get(name)
            if found is None:
                description = vendored_description(name) or described_description(name)
                found = _botocore_models[name] = BotocoreServiceModel(description, service_name=name)
    return found
