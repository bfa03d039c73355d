"""The service models as ivs_describe reports them, indexed once per process for the clients.

Everything a client needs per operation (its API name, paginator, and the converter that turns
output timestamps into datetimes) is computed once per service and cached.
"""
import datetime
import re
import threading

from . import _lib

try:  # boto3 returns timestamps with dateutil's tzutc; use it when present so reprs match too.
    from dateutil.tz import tzutc as _tzutc  # type: ignore[import-untyped]
    UTC = _tzutc()
except ImportError:  # pragma: no cover - dateutil is optional
    UTC = datetime.timezone.utc

SERVICE_NAMES = ("ivs", "ivs-realtime", "ivschat")

_ISO8601 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
                      r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$")


def parse_timestamp(text):
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


def format_timestamp(value):
    """A datetime input as the ISO 8601 UTC string libivs accepts; naive datetimes are UTC (botocore)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += ".%06d" % value.microsecond
    return text + "Z"


class Operation:
    __slots__ = ("name", "name_bytes", "snake_name", "input", "output", "errors", "paginator", "convert_output")

    def __init__(self, name, d, convert_output):
        self.name = name
        self.name_bytes = name.encode("utf-8")
        self.snake_name = d["snakeName"]
        self.input = d.get("input")
        self.output = d.get("output")
        self.errors = tuple(d.get("errors", ()))
        self.paginator = d.get("paginator")
        self.convert_output = convert_output


class ServiceModel:
    def __init__(self, name, d):
        self.name = name
        self.service_id = d.get("serviceId", name)
        self.api_version = d.get("apiVersion")
        self.endpoint_prefix = d.get("endpointPrefix", name)
        self.shapes = d["shapes"]
        self._converters = {}
        self.operations = {}
        for op_name, od in sorted(d["operations"].items()):
            conv = self._converter(od["output"]) if od.get("output") else None
            self.operations[od["snakeName"]] = Operation(op_name, od, conv)
        self.by_api_name = {op.name: op for op in self.operations.values()}
        self.error_codes = sorted(n for n, s in self.shapes.items() if "error" in s)

    def members(self, shape_name):
        return self.shapes.get(shape_name, {}).get("members", {})

    def _converter(self, shape_name, _active=None):
        """A function that replaces timestamp strings in a value of this shape with datetimes, in
        place, or None when the shape holds no timestamps."""
        if shape_name in self._converters:
            return self._converters[shape_name]
        active = _active if _active is not None else set()
        if shape_name in active:  # a recursive shape: resolved lazily at run time
            return lambda v: self._converters[shape_name](v) if self._converters.get(shape_name) else v
        active.add(shape_name)
        shape = self.shapes.get(shape_name, {})
        kind = shape.get("type")
        result = None
        if kind == "timestamp":
            result = parse_timestamp
        elif kind == "structure":
            subs = [(m, self._converter(ms["shape"], active)) for m, ms in shape.get("members", {}).items()]
            subs = [(m, c) for m, c in subs if c is not None]
            if subs:
                def convert_structure(value, subs=tuple(subs)):
                    if isinstance(value, dict):
                        for m, c in subs:
                            if m in value and value[m] is not None:
                                value[m] = c(value[m])
                    return value
                result = convert_structure
        elif kind == "list":
            c = self._converter(shape["member"], active)
            if c is not None:
                def convert_list(value, c=c):
                    return [c(v) for v in value] if isinstance(value, list) else value
                result = convert_list
        elif kind == "map":
            c = self._converter(shape["value"], active)
            if c is not None:
                def convert_map(value, c=c):
                    return {k: c(v) for k, v in value.items()} if isinstance(value, dict) else value
                result = convert_map
        active.discard(shape_name)
        self._converters[shape_name] = result
        return result


_models: dict = {}
_models_lock = threading.Lock()


def service_model(name):
    """The ServiceModel of one service; raises KeyError for an unknown name."""
    m = _models.get(name)
    if m is None:
        with _models_lock:
            m = _models.get(name)
            if m is None:
                m = ServiceModel(name, _lib.describe()["services"][name])
                _models[name] = m
    return m


def available_services():
    return sorted(_lib.describe()["services"])
