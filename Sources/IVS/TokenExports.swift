// The token and key functions of include/ivs.h.
import IVSCore
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("ivs_keypair_generate")
public func ivs_keypair_generate(_ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(ECKey.generate().flatMap { $0.keyPairJSON() }, out)
}

@_cdecl("ivs_playback_token")
public func ivs_playback_token(_ request: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(withJSONObject(request, "request_json", nullIsEmpty: false) { PlaybackToken.make(request: $0) }, out)
}

@_cdecl("ivs_participant_token")
public func ivs_participant_token(_ request: UnsafePointer<CChar>?, _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(withJSONObject(request, "request_json", nullIsEmpty: false) { ParticipantToken.make(request: $0) }, out)
}

@_cdecl("ivs_participant_token_for_stage")
public func ivs_participant_token_for_stage(_ clientPtr: OpaquePointer?, _ request: UnsafePointer<CChar>?,
                                            _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(client(from: clientPtr).flatMap { c in
        withJSONObject(request, "request_json", nullIsEmpty: false) { ParticipantToken.make(request: $0, client: c) }
    }, out)
}

@_cdecl("ivs_token_verify")
public func ivs_token_verify(_ token: UnsafePointer<CChar>?, _ publicKeyPEM: UnsafePointer<CChar>?,
                             _ out: CStringOut?) -> Int32 {
    guard let out else { return invalidArgumentStatus }
    out.pointee = nil
    return deliver(required(token, "token").flatMap { t in
        required(publicKeyPEM, "public_key_pem").flatMap { pem in
            TokenVerifier.verify(token: String(cString: t), publicKeyPEM: UnsafeRawBufferPointer(start: pem, count: strlen(pem)))
        }
    }, out)
}
