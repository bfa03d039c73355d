#!/usr/bin/env python3
"""Generate libivs's compiled tables and per-operation C entry points from models/.

    python3 tools/codegen/generate.py          # rewrite the generated files
    python3 tools/codegen/generate.py --check  # exit 1 if any generated file is stale (CI)

Inputs: models/services.json (which services), models/<service>/<apiVersion>/ (their models) and
VERSION (the library version).

Outputs:
  Sources/IVSCore/Generated/<Service>Model.swift   shape and operation tables
  Sources/IVSCore/Generated/Services.swift          the service list and the library version
  bindings/python/ivs/_version.py                   the version, for the Python package's metadata
  Sources/IVSCore/Generated/Endpoints.swift         the endpoint rule sets (tools/codegen/endpoints.py)
  Sources/IVS/Generated/OperationExports.swift      ivs_<svc>_<op>() C entry points
  include/ivs.h                                      the section between the GENERATED markers
Only the standard library is used, so the generator runs anywhere Python 3 does.
"""
import os
import re
import sys

from services import BOTOCORE, ROOT, SERVICES, load, version

BEGIN = "/* BEGIN GENERATED OPERATIONS: tools/codegen/generate.py; do not edit by hand */"
END = "/* END GENERATED OPERATIONS */"


def snake(name):
    """botocore's xform_name: CreateChannel -> create_channel, BatchGetStreamKey -> batch_get_stream_key."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def swift_str(s):
    """A Swift string literal for s."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def contains_timestamp(shapes):
    """Shape name -> whether a timestamp is reachable from it (recursive shapes count as not)."""
    memo = {}

    def visit(n, depth):
        if n in memo or depth > 64:
            return memo.get(n, False)
        memo[n] = False
        s = shapes[n]
        t = s["type"]
        if t == "timestamp":
            r = True
        elif t == "structure":
            r = any(visit(m["shape"], depth + 1) for m in s.get("members", {}).values())
        elif t == "list":
            r = visit(s["member"]["shape"], depth + 1)
        elif t == "map":
            r = visit(s["value"]["shape"], depth + 1)
        else:
            r = False
        memo[n] = r
        return r
    return {n: visit(n, 0) for n in shapes}


def generate_service(service, ident):
    model = load(service, "service-2.json")
    paginators = load(service, "paginators-1.json").get("pagination", {})
    meta = model["metadata"]
    shapes = model["shapes"]
    names = sorted(shapes)
    index = {n: i for i, n in enumerate(names)}
    timestamps = contains_timestamp(shapes)
    lines = []
    for n in names:
        s = shapes[n]
        t = s["type"]
        args = [swift_str(n), "." + t]
        if "min" in s:
            args.append(f"min: {int(s['min'])}")
        if "max" in s:
            args.append(f"max: {int(s['max'])}")
        if "pattern" in s:
            args.append(f"pattern: {swift_str(s['pattern'])}")
        if "enum" in s:
            args.append("enumValues: [" + ", ".join(swift_str(v) for v in s["enum"]) + "]")
        if t == "structure":
            req = set(s.get("required", []))
            mems = []
            for mn, m in s.get("members", {}).items():
                if not re.fullmatch(r"[A-Za-z0-9_]+", mn) or (m.get("locationName") and not re.fullmatch(r"[!#$%&'*+.^_`|~A-Za-z0-9-]+", m["locationName"])):
                    raise SystemExit(f"{service} {n}.{mn}: member and header names must be ASCII tokens")
                margs = [swift_str(mn), str(index[m["shape"]])]
                if mn in req:
                    margs.append("required: true")
                loc = m.get("location")
                if loc:
                    margs.append(f"location: .{loc}")
                    if m.get("locationName", mn) != mn:
                        margs.append(f"locationName: {swift_str(m['locationName'])}")
                if m.get("idempotencyToken"):
                    margs.append("idempotencyToken: true")
                mems.append("Member(" + ", ".join(margs) + ")")
            if mems:
                args.append("members: [\n            " + ",\n            ".join(mems) + "]")
        if t == "list":
            args.append(f"element: {index[s['member']['shape']]}")
        if t == "map":
            args.append(f"element: {index[s['value']['shape']]}")
            args.append(f"key: {index[s['key']['shape']]}")
        if s.get("sensitive"):
            args.append("sensitive: true")
        if s.get("union"):
            args.append("isUnion: true")
        if timestamps[n] and t != "timestamp":
            args.append("containsTimestamp: true")
        if t == "structure" and any(m.get("location") for m in s.get("members", {}).values()):
            args.append("hasBoundMembers: true")
        if "timestampFormat" in s:
            fmt = {"unixTimestamp": "unixTimestamp", "iso8601": "iso8601", "rfc822": "rfc822"}[s["timestampFormat"]]
            args.append(f"timestampFormat: .{fmt}")
        if s.get("exception"):
            status = s.get("error", {}).get("httpStatusCode", 500 if s.get("fault") else 400)
            args.append(f"errorStatus: {status}")
        lines.append(f"    /* {index[n]} */ Shape(" + ", ".join(args) + ")")

    ops = []
    op_rows = []
    for on in sorted(model["operations"]):
        o = model["operations"][on]
        http = o["http"]
        inp = index[o["input"]["shape"]] if "input" in o else -1
        out = index[o["output"]["shape"]] if "output" in o else -1
        errors = [e["shape"] for e in o.get("errors", [])]
        pag = paginator_for(on, o, paginators, shapes)
        args = [swift_str(on), swift_str(snake(on)), f"method: {swift_str(http['method'])}",
                f"requestUri: {swift_str(http['requestUri'])}", f"input: {inp}", f"output: {out}",
                "errors: [" + ", ".join(swift_str(e) for e in errors) + "]"]
        if pag:
            rk = ", ".join(swift_str(k) for k in pag["resultKeys"])
            lk = swift_str(pag["limitKey"]) if pag.get("limitKey") else "nil"
            args.append(f"paginator: PaginatorInfo(inputToken: {swift_str(pag['inputToken'])}, "
                        f"outputToken: {swift_str(pag['outputToken'])}, limitKey: {lk}, resultKeys: [{rk}], "
                        f"declared: {'true' if pag['declared'] else 'false'})")
        ops.append("    Operation(" + ", ".join(args) + ")")
        op_rows.append((on, snake(on)))

    swift = [
        f"// Generated by tools/codegen/generate.py from models/{service}/{meta['apiVersion']} (botocore {BOTOCORE}). "
        "Do not edit by hand.",
        "",
        "extension ServiceModel {",
        f"    public static let {ident} = ServiceModel(",
        f"        name: {swift_str(service)}, endpointPrefix: {swift_str(meta['endpointPrefix'])},",
        f"        signingName: {swift_str(meta.get('signingName', meta['endpointPrefix']))}, "
        f"apiVersion: {swift_str(meta['apiVersion'])},",
        f"        serviceId: {swift_str(meta['serviceId'])},",
        f"        shapes: {ident}Shapes, operations: {ident}Operations)",
        "}",
        "",
        f"private let {ident}Shapes: [Shape] = [",
        ",\n".join(lines),
        "]",
        "",
        f"private let {ident}Operations: [Operation] = [",
        ",\n".join(ops),
        "]",
        "",
    ]
    return "\n".join(swift), op_rows, model


def paginator_for(on, o, paginators, shapes):
    """The declared paginator, else one inferred for a List operation with nextToken in and out and one list out."""
    if on in paginators:
        p = paginators[on]
        rk = p["result_key"]
        return {"inputToken": p["input_token"], "outputToken": p["output_token"], "limitKey": p.get("limit_key"),
                "resultKeys": rk if isinstance(rk, list) else [rk], "declared": True}
    if not on.startswith("List") or "input" not in o or "output" not in o:
        return None
    ins = shapes[o["input"]["shape"]].get("members", {})
    outs = shapes[o["output"]["shape"]].get("members", {})
    if "nextToken" not in ins or "nextToken" not in outs:
        return None
    lists = [m for m, v in outs.items() if shapes[v["shape"]]["type"] == "list"]
    if len(lists) != 1:
        return None
    return {"inputToken": "nextToken", "outputToken": "nextToken",
            "limitKey": "maxResults" if "maxResults" in ins else None, "resultKeys": lists, "declared": False}


def services_swift():
    """ServiceModel.all and named(_:), from models/services.json, and LibraryInfo from VERSION."""
    v = version()
    if not re.fullmatch(r"\d+\.\d+\.\d+", v):
        raise SystemExit(f"VERSION must be MAJOR.MINOR.PATCH, not {v!r}")
    cases = "\n".join(f"        case {swift_str(s['name'])}: return .{s['ident']}" for s in SERVICES)
    return "\n".join([
        "// Generated by tools/codegen/generate.py from models/services.json and VERSION. Do not edit by hand.",
        "",
        "extension ServiceModel {",
        "    /// Every service libivs serves, by its fixed name.",
        "    public static let all: [ServiceModel] = [" + ", ".join("." + s["ident"] for s in SERVICES) + "]",
        "",
        "    /// The service with this fixed name (" + ", ".join(s["name"] for s in SERVICES) + ").",
        "    public static func named(_ n: String) -> ServiceModel? {",
        "        switch n {",
        cases,
        "        default: return nil",
        "        }",
        "    }",
        "",
        "    /// The names, for messages.",
        "    public static let names = " + swift_str(", ".join(s["name"] for s in SERVICES)),
        "}",
        "",
        "public enum LibraryInfo {",
        f"    public static let version = {swift_str(v)}",
        "    public static let abiVersion = 1",
        "}",
        "",
    ])


def summary(doc):
    text = re.sub(r"<[^>]+>", "", doc or "").strip()
    text = re.sub(r"\s+", " ", text)
    m = re.match(r"(.+?\.)(\s|$)", text)
    text = m.group(1) if m else text
    return text[:200].replace("*/", "* /")


def main():
    check = "--check" in sys.argv[1:]
    outputs = {}
    exports = ["// Generated by tools/codegen/generate.py from models/. Do not edit by hand.",
               "// One C entry point per operation, each a thin call of ivs_call (see include/ivs.h).",
               "", "import IVSCore", ""]
    header = [BEGIN, f"/* From the AWS service models of botocore {BOTOCORE} (models/). */", ""]
    total = 0
    for svc in SERVICES:
        service, ident, cprefix = svc["name"], svc["ident"], svc["cPrefix"]
        swift, op_rows, model = generate_service(service, ident)
        fname = ident[0].upper() + ident[1:] + "Model.swift"
        outputs[os.path.join("Sources", "IVSCore", "Generated", fname)] = swift
        header.append(f"/* {model['metadata']['serviceFullName']} (\"{service}\"): {len(op_rows)} operations. */")
        for on, sn in op_rows:
            fn = f"ivs_{cprefix}_{sn}"
            exports.append(f'@_cdecl("{fn}")')
            exports.append(f"public func {fn}(_ client: OpaquePointer?, _ input: UnsafePointer<CChar>?,")
            exports.append(f"    _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {{")
            exports.append(f'    callOperation(client, "{service}", "{on}", input, out)')
            exports.append("}")
            exports.append("")
            doc = summary(model["operations"][on].get("documentation", ""))
            header.append(f"/** {service} {on}: {doc} */")
            header.append(f"IVS_API ivs_status {fn}(ivs_client *client, const char *input_json, char **out_json);")
            total += 1
        header.append("")
    header.append(END)
    outputs[os.path.join("Sources", "IVS", "Generated", "OperationExports.swift")] = "\n".join(exports)

    hpath = os.path.join(ROOT, "include", "ivs.h")
    with open(hpath, encoding="utf-8") as f:
        h = f.read()
    start, end = h.index(BEGIN), h.index(END) + len(END)
    outputs[os.path.join("include", "ivs.h")] = h[:start] + "\n".join(header) + h[end:]

    outputs[os.path.join("Sources", "IVSCore", "Generated", "Services.swift")] = services_swift()
    outputs[os.path.join("bindings", "python", "ivs", "_version.py")] = (
        "# Generated by tools/codegen/generate.py from VERSION. Do not edit by hand.\n"
        f"__version__ = {version()!r}\n")

    import endpoints  # endpoint rule sets and partitions -> Generated/Endpoints.swift (tools/codegen/endpoints.py)
    outputs[endpoints.OUT] = endpoints.generate()

    stale = []
    for rel, text in outputs.items():
        path = os.path.join(ROOT, rel)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(rel)
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
    if check:
        if stale:
            print("generated files are stale; run python3 tools/codegen/generate.py:\n  " + "\n  ".join(stale))
            return 1
        print(f"generated files are up to date ({total} operations)")
        return 0
    print(f"generated {total} operations; rewrote {len(stale)} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
