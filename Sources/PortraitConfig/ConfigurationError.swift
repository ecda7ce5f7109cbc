/// A configuration problem, naming the key (and its environment variable) and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let key: String
    public let problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String {
        // Problems quote values; any credentials in them are masked here, whoever built the message.
        SecretRedaction.redactingURLs(in: "configuration key \(key) (\(ConfigurationKey.environmentVariable(for: key))): \(problem)")
    }
}
