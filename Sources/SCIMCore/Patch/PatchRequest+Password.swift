extension PatchRequest {
    /// What a PATCH does to the password.
    public enum PasswordChange: Sendable, Equatable {
        case set(String)
        case remove
    }

    /// Takes every password change out of the operations, so that the clear text can be hashed
    /// where it arrived and never travels further. Later operations win, as they would in order.
    public func extractingPassword() throws(SCIMError) -> (PatchRequest, PasswordChange?) {
        var change: PasswordChange?
        var kept: [Operation] = []
        func isPassword(_ key: String) -> Bool {
            let lower = key.lowercased()
            return lower == "password" || lower == CoreSchemas.userURN.lowercased() + ":password"
        }
        func newPassword(_ value: JSONValue?) throws(SCIMError) -> PasswordChange {
            switch value {
            case .string(let s)?: return .set(s)
            case .null?, nil: return .remove
            default: throw SCIMError.invalidValue("'password' must be a string.")
            }
        }
        for operation in operations {
            if let path = operation.path {
                if isPassword(path) {
                    change = operation.op == .remove ? .remove : try newPassword(operation.value)
                } else {
                    kept.append(operation)
                }
                continue
            }
            guard var object = operation.value?.objectValue else {
                kept.append(operation)
                continue
            }
            for key in object.keys where isPassword(key) {
                change = try newPassword(object[key])
                object.removeValue(forKey: key)
            }
            if !object.isEmpty { kept.append(Operation(op: operation.op, path: nil, value: .object(object))) }
        }
        return (PatchRequest(operations: kept), change)
    }
}
