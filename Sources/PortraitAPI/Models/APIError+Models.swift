import PortraitModels

extension APIError {
    /// A registry refusal as the client's mistake: unknown names 404, a switch the rule or the
    /// current state forbids 409 (with a code saying which), bad names or margins 400.
    init(_ error: ModelRegistryError) {
        switch error {
        case .modelNotFound, .versionNotFound:
            self.init(.notFound, code: "not_found", error.description)
        case .invalidName, .invalidMargin:
            self.init(.badRequest, code: "invalid_request", error.description)
        case .alreadyExists:
            self.init(.conflict, code: "already_exists", error.description)
        case .algorithmMismatch:
            self.init(.conflict, code: "algorithm_mismatch", error.description)
        case .alreadyActive:
            self.init(.conflict, code: "already_active", error.description)
        case .notBetter(let name, let version, let reason):
            self.init(.conflict, code: "not_better", "model \(name) v\(version) not promoted: \(reason) (send \"force\": true to promote anyway)")
        case .unloadable:
            self.init(.conflict, code: "unloadable", error.description)
        case .nothingToRollBack:
            self.init(.conflict, code: "nothing_to_roll_back", error.description)
        }
    }
}
