#!/usr/bin/env python3
"""Compiles the services' endpoint rule sets (models/*/endpoint-rule-set-1.json) and botocore's
partitions table (models/partitions.json) into Swift: Sources/IVSCore/Generated/Endpoints.swift.

Each rule set becomes one Swift function of nested `if`s, so nothing parses JSON at run time.
Only the rule-set functions these services use are supported (isSet, not, booleanEquals,
stringEquals, getAttr on a partition, aws.partition); anything else stops the generator.

    python3 tools/codegen/endpoints.py          # rewrite the generated file
    python3 tools/codegen/endpoints.py --check  # exit 1 if it is stale
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from services import SERVICES, model_path  # noqa: E402
OUT = os.path.join("Sources", "IVSCore", "Generated", "Endpoints.swift")

# Parameter name -> (Swift expression, type). Types: "s?" optional string, "b" bool, "p" partition.
PARAMS = {"Region": ("p.region", "s?"), "Endpoint": ("p.endpoint", "s?"),
          "UseFIPS": ("p.useFIPS", "b"), "UseDualStack": ("p.useDualStack", "b")}
PARTITION_ATTRS = {"name": "s", "dnsSuffix": "s", "dualStackDnsSuffix": "s", "supportsFIPS": "b",
                   "supportsDualStack": "b", "implicitGlobalRegion": "s"}


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Compiler:
    def __init__(self, ruleset):
        for name, spec in ruleset["parameters"].items():
            if name not in PARAMS:
                raise SystemExit(f"endpoint parameter {name} is not supported by tools/codegen/endpoints.py")
            want = "b" if spec["type"] == "boolean" else "s?"
            if PARAMS[name][1] != want:
                raise SystemExit(f"endpoint parameter {name} has type {spec['type']}")
        self.scope = {}  # assigned name -> (swift name, type)

    def ref(self, name):
        if name in self.scope:
            return self.scope[name]
        if name in PARAMS:
            return PARAMS[name]
        raise SystemExit(f"unknown reference {name}")

    def expr(self, e):
        """Returns (swift code, type) for a rule-set expression."""
        if isinstance(e, bool):
            return ("true" if e else "false", "b")
        if isinstance(e, str):
            return (self.template(e), "s")
        if "ref" in e:
            return self.ref(e["ref"])
        fn, argv = e["fn"], e["argv"]
        if fn == "isSet":
            code, t = self.expr(argv[0])
            return (f"({code} != nil)", "b") if t.endswith("?") else ("true", "b")
        if fn == "not":
            code, _ = self.expr(argv[0])
            return (f"!({code})", "b")
        if fn in ("booleanEquals", "stringEquals"):
            a, _ = self.expr(argv[0])
            b, _ = self.expr(argv[1])
            return (f"({a} == {b})", "b")
        if fn == "getAttr":
            target, t = self.expr(argv[0])
            attr = argv[1]
            if t != "p" or attr not in PARTITION_ATTRS:
                raise SystemExit(f"getAttr {attr} on {t} is not supported")
            return (f"{target}.{attr}", PARTITION_ATTRS[attr])
        if fn == "aws.partition":
            code, _ = self.expr(argv[0])
            return (f"EndpointPartitions.partition(for: {code})", "p")
        raise SystemExit(f"endpoint rule function {fn} is not supported by tools/codegen/endpoints.py")

    def template(self, s):
        out = ""
        for lit, ref in re.findall(r"([^{]*)(?:\{([^}]*)\})?", s):
            out += lit.replace("\\", "\\\\").replace('"', '\\"')
            if ref:
                if "#" in ref:
                    name, attr = ref.split("#")
                    code, t = self.ref(name)
                    if t != "p" or attr not in PARTITION_ATTRS:
                        raise SystemExit(f"template {ref} is not supported")
                    out += f"\\({code}.{attr})"
                else:
                    code, t = self.ref(ref)
                    out += f"\\({code} ?? \"\")" if t.endswith("?") else f"\\({code})"
        return '"' + out + '"'

    def conditions(self, conds):
        parts = []
        for c in conds:
            code, t = self.expr(c)
            if "assign" in c:
                name = c["assign"][0].lower() + c["assign"][1:]
                self.scope[c["assign"]] = (name, t)
                parts.append(f"let {name} = Optional({code})" if not t.endswith("?") else f"let {name} = {code}")
            else:
                parts.append(code)
        return parts

    def rules(self, rules, indent):
        """Returns (Swift lines, whether they always return)."""
        lines = []
        pad = "    " * indent
        for r in rules:
            saved = dict(self.scope)
            conds = self.conditions(r.get("conditions", []))
            inner = []
            always = r["type"] != "tree"
            ipad = pad + ("    " if conds else "")
            if r["type"] == "endpoint":
                url = r["endpoint"]["url"]
                code, t = self.expr(url) if isinstance(url, dict) else (self.template(url), "s")
                if t.endswith("?"):
                    code = f"({code} ?? \"\")"
                inner.append(f"{ipad}return .endpoint({code})")
            elif r["type"] == "error":
                inner.append(f"{ipad}return .error({self.template(r['error'])})")
            elif r["type"] == "tree":
                sub, always = self.rules(r["rules"], indent + (1 if conds else 0))
                inner.extend(sub)
            else:
                raise SystemExit(f"rule type {r['type']}")
            if conds:
                lines.append(f"{pad}if " + ", ".join(conds) + " {")
                lines.extend(inner)
                lines.append(f"{pad}}}")
            else:
                lines.extend(inner)
            self.scope = saved
            if not conds and always:
                return lines, True  # later rules are unreachable
        return lines, False


def partitions_swift(data):
    rows = []
    for p in data["partitions"]:
        o = p["outputs"]
        for r, v in p["regions"].items():
            if set(v) - {"description"}:
                raise SystemExit(f"region {r} overrides partition outputs; not supported")
        regions = ", ".join(swift_string(r) for r in sorted(p["regions"]))
        rows.append(f"        (regex: {swift_string(p['regionRegex'])}, regions: [{regions}],\n"
                    f"         outputs: EndpointPartition(name: {swift_string(o['name'])}, "
                    f"dnsSuffix: {swift_string(o['dnsSuffix'])}, dualStackDnsSuffix: {swift_string(o['dualStackDnsSuffix'])},\n"
                    f"                                    supportsFIPS: {str(o['supportsFIPS']).lower()}, "
                    f"supportsDualStack: {str(o['supportsDualStack']).lower()}, "
                    f"implicitGlobalRegion: {swift_string(o['implicitGlobalRegion'])})),")
    return rows


def generate():
    with open(os.path.join(ROOT, "models", "partitions.json"), encoding="utf-8") as f:
        partitions = json.load(f)
    out = ["// Generated by tools/codegen/endpoints.py from models/*/endpoint-rule-set-1.json and",
           "// models/partitions.json (botocore's). Do not edit by hand.", "",
           "extension EndpointPartitions {",
           f"    /// botocore partitions.json version {partitions['version']}, in its order (the first is the default).",
           "    static let table: [(regex: String, regions: Set<String>, outputs: EndpointPartition)] = ["]
    out += partitions_swift(partitions)
    out += ["    ]", "}", "", "enum EndpointRules {",
            "    /// The rule set of `service` evaluated for `p`; nil for an unknown service.",
            "    static func evaluate(service: String, _ p: EndpointParams) -> EndpointRuleResult? {",
            "        switch service {"]
    for service, ident in ((s["name"], s["ident"]) for s in SERVICES):
        out.append(f"        case {swift_string(service)}: return {ident}(p)")
    out += ["        default: return nil", "        }", "    }"]
    for service, ident in ((s["name"], s["ident"]) for s in SERVICES):
        with open(model_path(service, "endpoint-rule-set-1.json"), encoding="utf-8") as f:
            rs = json.load(f)
        c = Compiler(rs)
        out += ["", f"    /// {service}: endpoint-rule-set-1.json version {rs['version']}.",
                f"    static func {ident}(_ p: EndpointParams) -> EndpointRuleResult {{"]
        body, always = c.rules(rs["rules"], 2)
        out += body
        if not always:
            out.append('        return .error("no endpoint rule matched")')
        out.append("    }")
    out += ["}", ""]
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    text = generate()
    path = os.path.join(ROOT, OUT)
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if old == text:
        print(f"{OUT} is up to date")
        return 0
    if check:
        print(f"{OUT} is stale; run python3 tools/codegen/endpoints.py")
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
