/// ivs_describe's JSON: every service's operations and shapes, for generating bindings. Built once.
public enum ServiceDescription {
    private static let cache = Locked<[String: String]>([:])

    public static func describe(_ service: String?) -> String? {
        let key = service ?? "*"
        if let s = cache.withValue({ $0[key] }) { return s }
        let models: [ServiceModel]
        if let service {
            guard let m = ServiceModel.named(service) else { return nil }
            models = [m]
        } else {
            models = ServiceModel.all
        }
        guard let root = JSON.object() else { return nil }
        defer { JSON.release(root) }
        root.set("abiVersion", JSON.integer(Int64(LibraryInfo.abiVersion)))
        root.set("version", JSON.string(LibraryInfo.version))
        let services = JSON.object()
        for m in models { services?.set(m.name, describe(m)) }
        root.set("services", services)
        // The partitions and the regions each lists (botocore's partitions.json), for bindings.
        if service == nil { root.set("partitions", partitions()) }
        let text = JSON.dump(root)
        cache.withValue { $0[key] = text }
        return text
    }

    static func partitions() -> JSONPointer? {
        let partitions = JSON.object()
        for p in EndpointPartitions.table {
            let o = JSON.object(), regions = JSON.array()
            for r in p.regions.sorted() { regions?.append(JSON.string(r)) }
            o?.set("regions", regions)
            o?.set("dnsSuffix", JSON.string(p.outputs.dnsSuffix))
            partitions?.set(p.outputs.name, o)
        }
        return partitions
    }

    static func describe(_ m: ServiceModel) -> JSONPointer? {
        let s = JSON.object()
        s?.set("apiVersion", JSON.string(m.apiVersion))
        s?.set("endpointPrefix", JSON.string(m.endpointPrefix))
        s?.set("signingName", JSON.string(m.signingName))
        s?.set("serviceId", JSON.string(m.serviceId))
        let ops = JSON.object()
        for op in m.operations {
            let o = JSON.object()
            o?.set("snakeName", JSON.string(op.snakeName))
            let http = JSON.object()
            http?.set("method", JSON.string(op.method))
            http?.set("requestUri", JSON.string(op.requestUri))
            o?.set("http", http)
            if op.input >= 0 { o?.set("input", JSON.string(m.shapes[op.input].name)) }
            if op.output >= 0 { o?.set("output", JSON.string(m.shapes[op.output].name)) }
            let errs = JSON.array()
            for e in op.errors { errs?.append(JSON.string(e)) }
            o?.set("errors", errs)
            if let p = op.paginator {
                let pj = JSON.object()
                pj?.set("inputToken", JSON.string(p.inputToken))
                pj?.set("outputToken", JSON.string(p.outputToken))
                if let l = p.limitKey { pj?.set("limitKey", JSON.string(l)) }
                let rk = JSON.array()
                for k in p.resultKeys { rk?.append(JSON.string(k)) }
                pj?.set("resultKeys", rk)
                pj?.set("declared", JSON.bool(p.declared))
                o?.set("paginator", pj)
            }
            ops?.set(op.name, o)
        }
        s?.set("operations", ops)
        let shapes = JSON.object()
        let typeNames = ["structure", "list", "map", "string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"]
        for sh in m.shapes {
            let o = JSON.object()
            o?.set("type", JSON.string(typeNames[Int(sh.type.rawValue)]))
            if !sh.members.isEmpty || sh.type == .structure {
                let mem = JSON.object()
                for mm in sh.members {
                    let x = JSON.object()
                    x?.set("shape", JSON.string(m.shapes[mm.shape].name))
                    x?.set("required", JSON.bool(mm.required))
                    if mm.location != .body {
                        x?.set("location", JSON.string(["body", "uri", "querystring", "header"][Int(mm.location.rawValue)]))
                        x?.set("locationName", JSON.string(mm.locationName))
                    }
                    if mm.idempotencyToken { x?.set("idempotencyToken", JSON.bool(true)) }
                    mem?.set(mm.name, x)
                }
                o?.set("members", mem)
            }
            if sh.type == .list { o?.set("member", JSON.string(m.shapes[sh.element].name)) }
            if sh.type == .map {
                o?.set("key", JSON.string(m.shapes[sh.key].name))
                o?.set("value", JSON.string(m.shapes[sh.element].name))
            }
            if !sh.enumValues.isEmpty {
                let e = JSON.array()
                for v in sh.enumValues { e?.append(JSON.string(v)) }
                o?.set("enum", e)
            }
            if let v = sh.min { o?.set("min", JSON.integer(v)) }
            if let v = sh.max { o?.set("max", JSON.integer(v)) }
            if let p = sh.pattern { o?.set("pattern", JSON.string(p)) }
            if sh.sensitive { o?.set("sensitive", JSON.bool(true)) }
            if sh.isUnion { o?.set("union", JSON.bool(true)) }
            if let st = sh.errorStatus {
                let e = JSON.object()
                e?.set("httpStatus", JSON.integer(Int64(st)))
                o?.set("error", e)
            }
            shapes?.set(sh.name, o)
        }
        s?.set("shapes", shapes)
        return s
    }
}
