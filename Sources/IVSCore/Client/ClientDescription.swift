extension Client {
    /// What this client resolved, as ivs_client_config returns it (owned): region, profile, each
    /// service's endpoint and where it came from, retries, timeouts, bounds, and the credential
    /// sources in the order they are tried with the one that served (null until a call resolved
    /// credentials). Never a secret: a proxy is shown without its password.
    public func describeConfiguration() -> JSONPointer? {
        guard let o = JSON.object() else { return nil }
        let c = config
        o.set("region", JSON.string(c.region))
        o.set("profile", JSON.string(c.profile))
        let endpoints = JSON.object(), sources = JSON.object()
        for m in ServiceModel.all {
            if let e = c.endpoints[m.name] { endpoints?.set(m.name, JSON.string(e.url)) }
            if let s = c.endpointSources[m.name] { sources?.set(m.name, JSON.string(s)) }
        }
        o.set("endpoints", endpoints)
        o.set("endpointSources", sources)
        o.set("useFipsEndpoint", JSON.bool(c.useFIPS))
        o.set("useDualstackEndpoint", JSON.bool(c.useDualStack))
        o.set("retryMode", JSON.string(c.retryMode.rawValue))
        o.set("maxAttempts", JSON.integer(Int64(retry.maxAttempts)))
        o.set("connectTimeoutMs", JSON.integer(Int64(c.transport.connectTimeoutMs)))
        o.set("requestTimeoutMs", JSON.integer(Int64(c.transport.requestTimeoutMs)))
        o.set("verifyTls", JSON.bool(c.transport.verifyTLS))
        o.set("caBundle", c.transport.caBundle.map { JSON.string($0) } ?? JSON.null())
        o.set("proxy", c.transport.proxy.map { JSON.string(URLText.redacted($0)) } ?? JSON.null())
        o.set("userAgent", JSON.string(c.transport.userAgent))
        o.set("validation", JSON.string(c.validation.rawValue))
        o.set("signatureVersion", JSON.string(c.signRequests ? "v4" : "unsigned"))
        o.set("dispatch", JSON.string(c.dispatch.rawValue))
        o.set("maxConnections", JSON.integer(Int64(c.maxConnections)))
        o.set("logLevel", JSON.integer(Int64(c.logLevel)))
        o.set("maxResponseBytes", JSON.integer(Int64(c.transport.maxResponseBytes)))
        o.set("maxPages", JSON.integer(Int64(c.maxPages)))
        o.set("maxPaginateBytes", JSON.integer(Int64(c.maxPaginateBytes)))
        let creds = JSON.object(), providers = JSON.array()
        for name in credentials.providerNames { providers?.append(JSON.string(name)) }
        creds?.set("providers", providers)
        creds?.set("source", credentials.sourceName.map { JSON.string($0) } ?? JSON.null())
        o.set("credentials", creds)
        return o
    }
}
