extension RedisError {
    /// The connection broke or could not be made: the server may be restarting, and a caller
    /// that can repeat its work safely should wait and try again rather than give up.
    public var isConnectionFailure: Bool {
        if case .connectionFailed = self { return true }
        return false
    }
}
