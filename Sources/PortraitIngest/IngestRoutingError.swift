/// A routing file that cannot be used, naming the file and the offending key.
public struct IngestRoutingError: Error, CustomStringConvertible, Equatable {
    /// The file (or `-` when read from memory).
    public var file: String
    /// The key, dotted from the document root (e.g. `tables.shop.orders.key`).
    public var key: String
    /// What is wrong and what is expected.
    public var problem: String

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String { "\(file): `\(key)`: \(problem)" }
}
