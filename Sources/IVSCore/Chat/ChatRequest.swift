import CJansson

/// A Chat Messaging API action checked before it is sent, as the reference defines it
/// (SendMessage, DeleteMessage and DisconnectUser "Publish"): the required fields, their types, and
/// Content against the room's maximumMessageLength when it is known (else the 500 code points the
/// reference gives as the most any room allows). What the service alone can judge (capabilities, the
/// message rate, the review handler, the size of attributes) comes back as an ERROR event with the
/// request's RequestId.
public enum ChatRequest {
    public static let actions: [String: (required: [String], optional: [String])] = [
        "SEND_MESSAGE": (["Content"], ["Attributes"]),
        "DELETE_MESSAGE": (["Id"], ["Reason"]),
        "DISCONNECT_USER": (["UserId"], ["Reason"]),
    ]
    private static let members: [String: Set<String>] = actions.mapValues { Set(["Action", "RequestId"] + $0.required + $0.optional) }
    /// The most code points of Content in any room.
    public static let maxContentLength = 500

    /// The request as it goes on the wire (compact JSON with RequestId, nulls left out) and its
    /// RequestId. request is owned by the caller and changed (RequestId filled in, nulls removed).
    public static func prepare(_ request: JSONPointer, maximumMessageLength: Int?) -> Result<(requestId: String, text: OutputText), IVSError> {
        var problems: [(path: String, problem: String)] = []
        var nulls: [String] = []
        request.forEachMember { k, v in if v.kind == .null { nulls.append(k) } }
        for k in nulls { json_object_del(request, k) }

        guard let action = request["Action"] else {
            return .failure(.validation([("Action", "is required (SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER)")]))
        }
        guard let name = action.stringValue, let fields = actions[name] else {
            return .failure(.validation([("Action", "must be SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER")]))
        }
        let known = members[name] ?? []
        request.forEachMember { k, _ in
            if !known.contains(k) { problems.append((k, "is not a member of \(name)")) }
        }
        for field in fields.required where request[field] == nil {
            problems.append((field, "is required"))
        }
        for field in ["Content", "Id", "UserId", "Reason", "RequestId"] {
            guard let v = request[field], known.contains(field) else { continue }
            guard let n = v.stringCodePoints else { problems.append((field, "must be a string")); continue }
            if n == 0 && field != "Reason" { problems.append((field, "must not be empty")) }
            if field == "Content" {
                let limit = min(maximumMessageLength ?? maxContentLength, maxContentLength)
                if n > limit {
                    let room = maximumMessageLength == nil ? "any room's" : "the room's"
                    problems.append((field, "is \(n) characters long; \(room) maximumMessageLength is \(limit)"))
                }
            }
        }
        if let attributes = request["Attributes"] {
            if attributes.kind != .object {
                problems.append(("Attributes", "must be an object of strings"))
            } else {
                attributes.forEachMember { k, v in
                    if v.kind != .string { problems.append(("Attributes.\(Text.excerpt(k, limit: 60))", "must be a string")) }
                }
            }
        }
        if !problems.isEmpty { return .failure(.validation(problems)) }
        let requestId: String
        if let given = request["RequestId"]?.stringValue {
            requestId = given
        } else {
            requestId = ChatEntropy.uuid()
            request.set("RequestId", JSON.string(requestId))
        }
        guard let text = OutputText.dump(request) else { return .failure(.internal("out of memory")) }
        return .success((requestId, text))
    }
}
