import JSON
/// A declared stage parameter: its name, default, documentation and validation rule.
///
/// Stages declare each parameter once as a `static let`, and everything else — getting,
/// setting, validation, JSON reading and writing — goes through the declaration:
///
/// ```swift
/// var kmeans = KMeans()
/// try kmeans.set(KMeans.k, 8)          // throws LearningError.invalidParameter(name: "k", …) for k < 1
/// let k = kmeans.get(KMeans.k)
/// ```
public struct Param<Value: ParamValue>: Sendable {
    /// The name used in JSON and in error messages.
    public let name: String
    /// The value used when none was set.
    public let defaultValue: Value
    /// One line for people reading `params.json` or generated docs.
    public let doc: String
    /// The rule a value must satisfy.
    public let rule: ParamRule<Value>

    /// Declares a parameter.
    public init(_ name: String, default defaultValue: Value, doc: String, rule: ParamRule<Value> = .any) {
        self.name = name
        self.defaultValue = defaultValue
        self.doc = doc
        self.rule = rule
    }

    /// Throws ``LearningError/invalidParameter(name:value:reason:)`` when `value` breaks the rule.
    public func validate(_ value: Value) throws(LearningError) {
        if let problem = rule.check(value) {
            throw .invalidParameter(name: name, value: value.jsonValue.messageText, reason: problem)
        }
    }

    /// The type-erased form used to read parameters from JSON.
    public var erased: AnyParam {
        AnyParam(name: name, defaultJSON: defaultValue.jsonValue, doc: doc) { json throws(LearningError) in
            guard let value = Value(jsonValue: json) else {
                throw .invalidParameter(name: name, value: json.messageText,
                                        reason: "expected a value like \(defaultValue.jsonValue.messageText)")
            }
            try validate(value)
        }
    }
}

/// A parameter declaration without its value type, for reading and listing parameters.
public struct AnyParam: Sendable {
    /// The parameter's name.
    public let name: String
    /// The default, as JSON.
    public let defaultJSON: JSONValue
    /// The parameter's documentation.
    public let doc: String
    /// Checks that JSON decodes to a valid value.
    public let validateJSON: @Sendable (JSONValue) throws(LearningError) -> Void
}

/// A validation rule for a parameter value; `check` returns a description of what is wrong,
/// or `nil` when the value is acceptable.
public struct ParamRule<Value>: Sendable {
    /// Returns a problem description or `nil`.
    public let check: @Sendable (Value) -> String?

    /// Builds a rule from a closure.
    public init(_ check: @escaping @Sendable (Value) -> String?) {
        self.check = check
    }

    /// Accepts every value.
    public static var any: ParamRule { ParamRule { _ in nil } }
}

extension ParamRule where Value: Comparable & Sendable {
    /// Accepts values `>= bound`.
    public static func atLeast(_ bound: Value) -> ParamRule {
        ParamRule { $0 >= bound ? nil : "must be at least \(bound)" }
    }

    /// Accepts values inside `range`.
    public static func within(_ range: ClosedRange<Value>) -> ParamRule {
        ParamRule { range.contains($0) ? nil : "must be between \(range.lowerBound) and \(range.upperBound)" }
    }
}

extension ParamRule where Value == Double {
    /// Accepts finite values `> bound`.
    public static func greaterThan(_ bound: Double) -> ParamRule {
        ParamRule { $0.isFinite && $0 > bound ? nil : "must be a finite number greater than \(bound)" }
    }

    /// Accepts finite values `>= bound`.
    public static func finiteAtLeast(_ bound: Double) -> ParamRule {
        ParamRule { $0.isFinite && $0 >= bound ? nil : "must be a finite number of at least \(bound)" }
    }

    /// Accepts finite values inside `range`.
    public static func finiteWithin(_ range: ClosedRange<Double>) -> ParamRule {
        ParamRule { $0.isFinite && range.contains($0) ? nil : "must be between \(range.lowerBound) and \(range.upperBound)" }
    }
}

extension ParamRule where Value == String {
    /// Accepts non-empty strings (column names).
    public static var nonEmpty: ParamRule {
        ParamRule { $0.isEmpty ? "must not be empty" : nil }
    }
}

extension ParamRule where Value == [String] {
    /// Accepts non-empty lists of distinct, non-empty names.
    public static var nonEmptyDistinctNames: ParamRule {
        ParamRule { names in
            if names.isEmpty { return "must name at least one column" }
            if names.contains(where: \.isEmpty) { return "must not contain empty names" }
            if Set(names).count != names.count { return "must not repeat a name" }
            return nil
        }
    }
}
