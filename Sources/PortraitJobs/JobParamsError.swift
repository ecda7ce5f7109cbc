/// A job's params that its runner cannot use. Recorded on the run as its error, e.g.
/// `params.algorithm: must be kmeans or logistic_regression, got "svm"`.
public struct JobParamsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The offending key, `nil` for the params as a whole.
    public var key: String?
    public var problem: String

    public init(key: String?, _ problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(key.map { "params.\($0)" } ?? "params"): \(problem)" }
}
