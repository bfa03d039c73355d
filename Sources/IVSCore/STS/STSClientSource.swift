/// The client's one STS client, made on first use: a profile without roles never builds it, and a
/// problem in its settings (sts_regional_endpoints, an endpoint URL) surfaces when a provider that
/// needs STS is reached, as botocore reports it.
final class STSClientSource: @unchecked Sendable {
    private let make: () throws(IVSError) -> STSClient
    private let lock = Lock()
    private var made: Result<STSClient, IVSError>?

    init(_ make: @escaping () throws(IVSError) -> STSClient) { self.make = make }

    func client() throws(IVSError) -> STSClient {
        lock.lock()
        defer { lock.unlock() }
        if made == nil {
            do { made = .success(try make()) } catch { made = .failure(error) }
        }
        switch made {
        case .success(let c)?: return c
        case .failure(let e)?: throw e
        case nil: throw .internal("STS client")
        }
    }
}
