import PortraitScheduler

extension APIError {
    /// A job store refusal as the client's mistake; `nil` for a job stored in a shape the
    /// scheduler cannot read, which is the server's fault (a 500, logged).
    init?(_ error: JobStoreError) {
        switch error {
        case .notFound: self.init(.notFound, code: "not_found", error.description)
        case .alreadyExists, .nameTakenByRuntimeJob: self.init(.conflict, code: "already_exists", error.description)
        case .corrupt: return nil
        }
    }
}
