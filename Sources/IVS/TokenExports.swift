// The token and key functions of include/ivs.h: marshalling between C strings and IVSCore/Tokens.
import IVSCore

@_cdecl("ivs_keypair_generate")
public func ivs_keypair_generate(_ out: CStringOut?) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    switch ECKey.generate().flatMap({ $0.keyPairJSON() }) {
    case .failure(let e): return fail(e, out)
    case .success(let text):
        out.pointee = text
        return 0
    }
}

@_cdecl("ivs_playback_token")
public func ivs_playback_token(_ request: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    return deliver(PlaybackToken.make(requestJSON: request), out)
}

@_cdecl("ivs_participant_token")
public func ivs_participant_token(_ request: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    return deliver(ParticipantToken.make(requestJSON: request), out)
}

@_cdecl("ivs_participant_token_for_stage")
public func ivs_participant_token_for_stage(_ clientPtr: OpaquePointer?, _ request: UnsafePointer<CChar>?,
                                            _ out: CStringOut?) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    guard let c = client(from: clientPtr) else { return fail(.invalidArgument("client must not be NULL"), out) }
    return deliver(ParticipantToken.make(requestJSON: request, client: c), out)
}

@_cdecl("ivs_token_verify")
public func ivs_token_verify(_ token: UnsafePointer<CChar>?, _ publicKeyPEM: UnsafePointer<CChar>?,
                             _ out: CStringOut?) -> Int32 {
    guard let out else { return IVSError.Kind.invalidArgument.status }
    out.pointee = nil
    return deliver(TokenVerifier.verify(token: token, publicKeyPEM: publicKeyPEM), out)
}
