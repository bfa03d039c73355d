/// The error codes libivs itself gives (the service's own codes come from its responses). Names follow
/// botocore's exception names where botocore has one, so that a binding can map them one to one.
public enum ErrorCode {
    // invalid_argument
    public static let invalidArgument = "InvalidArgument"
    public static let malformedInput = "MalformedInput"
    public static let unknownService = "UnknownService"
    public static let unknownOperation = "UnknownOperation"
    public static let invalidHeaderValue = "InvalidHeaderValue"
    // validation
    public static let paramValidation = "ParamValidationError"
    // config
    public static let invalidConfiguration = "InvalidConfiguration"
    public static let configParse = "ConfigParseError"
    public static let profileNotFound = "ProfileNotFound"
    public static let noRegion = "NoRegionError"
    public static let endpointResolution = "EndpointResolutionError"
    // credentials
    public static let noCredentials = "NoCredentialsError"
    public static let partialCredentials = "PartialCredentialsError"
    public static let credentialRetrieval = "CredentialRetrievalError"
    public static let unauthorizedSSOToken = "UnauthorizedSSOTokenError"
    public static let unsupportedCredentialSource = "UnsupportedCredentialSource"
    // network (botocore's names)
    public static let endpointConnection = "EndpointConnectionError"
    public static let connectTimeout = "ConnectTimeoutError"
    public static let readTimeout = "ReadTimeoutError"
    public static let ssl = "SSLError"
    public static let connectionClosed = "ConnectionClosedError"
    public static let httpClient = "HTTPClientError"
    // service: what the service sent that libivs does not accept, and pagination
    public static let invalidResponse = "InvalidResponse"
    public static let responseTooLarge = "ResponseTooLarge"
    public static let pagination = "PaginationError"
    public static let paginationLimit = "PaginationLimitExceeded"
    public static let missingStageEndpoints = "MissingStageEndpoints"
    // internal
    public static let internalError = "InternalError"
    // cancelled
    public static let cancelled = "Cancelled"
}
