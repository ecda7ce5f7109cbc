/// A configuration problem, naming the key (and its environment variable) and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let key: String
    public let problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String {
        "configuration key \(key) (\(ConfigurationKey.environmentVariable(for: key))): \(problem)"
    }
}
