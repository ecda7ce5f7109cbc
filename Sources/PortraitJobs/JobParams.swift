import Foundation
import JSON
import PortraitScheduler

/// A job's params object, read key by key: a missing required key, a value of the wrong type
/// or a key the runner does not know is a ``JobParamsError`` naming it (a typo must not be
/// silently ignored, since the run would then do something else than asked).
struct JobParams {
    private let members: [String: JSONValue]

    init(_ params: JSONValue, allowed: Set<String>) throws(JobParamsError) {
        guard case .object(let members) = params else { throw JobParamsError(key: nil, "must be a JSON object") }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw JobParamsError(key: unknown, "unknown key; known: \(allowed.sorted().joined(separator: ", "))")
        }
        self.members = members
    }

    /// The value of `key`, treating `null` as absent.
    private func value(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(JobParamsError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value, !text.isEmpty else { throw JobParamsError(key: key, "must be a non-empty string, got \(value)") }
        return text
    }

    func requiredString(_ key: String) throws(JobParamsError) -> String {
        guard let text = try string(key) else { throw JobParamsError(key: key, "is required") }
        return text
    }

    /// A list of strings, given as a JSON array or as one comma-separated string.
    func strings(_ key: String) throws(JobParamsError) -> [String]? {
        guard let value = value(key) else { return nil }
        switch value {
        case .string(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let items):
            return try items.map { item throws(JobParamsError) in
                guard case .string(let text) = item else { throw JobParamsError(key: key, "must hold strings only, found \(item)") }
                return text
            }
        default:
            throw JobParamsError(key: key, "must be an array of strings, got \(value)")
        }
    }

    func boolean(_ key: String) throws(JobParamsError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw JobParamsError(key: key, "must be true or false, got \(value)") }
        return flag
    }

    func integer(_ key: String) throws(JobParamsError) -> Int? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let number): return Int(number)
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: return Int(number)
        default: throw JobParamsError(key: key, "must be an integer, got \(value)")
        }
    }

    func number(_ key: String) throws(JobParamsError) -> Double? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let number): return Double(number)
        case .number(let number): return number
        default: throw JobParamsError(key: key, "must be a number, got \(value)")
        }
    }
}
