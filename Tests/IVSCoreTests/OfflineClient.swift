@testable import IVSCore

/// A client whose stages the tests call one by one (prepare, sign, classify, decide): static
/// credentials with a session token, a fixed region, and an endpoint on a loopback port nobody
/// listens on. Nothing here sends a request.
func offlineClient(validation: ClientConfig.ValidationMode = .on, logLevel: Int32 = 0,
                   retryMode: RetryMode = .standard) throws -> Client {
    var config = ClientConfig()
    config.region = "us-west-2"
    config.credentials = Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                     sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN")
    config.endpointUrl = "http://127.0.0.1:9"
    config.validation = validation
    config.logLevel = logLevel
    config.retryMode = retryMode
    return try Client(config: config, env: Environment(overrides: ["HOME": "/nonexistent"]))
}
