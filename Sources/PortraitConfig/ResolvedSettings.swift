/// Where a configuration value came from.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    /// A `PORTRAIT_…` environment variable.
    case environment
    /// The configuration file at this path.
    case file(String)
    /// The key's built-in default.
    case `default`

    public var description: String {
        switch self {
        case .environment: "env"
        case .file(let path): "file \(path)"
        case .default: "default"
        }
    }
}

/// One key's effective value and its source.
public struct ResolvedSetting: Sendable {
    public let key: ConfigurationKey
    public let value: String
    public let source: SettingSource

    /// The value safe to print: secrets lose their credentials (a URL keeps its host).
    public var printableValue: String {
        key.isSecret ? SecretRedaction.redactedValue(value) : value
    }
}

/// Every known key resolved (environment over file over default), plus unknown file keys.
public struct ResolvedSettings: Sendable {
    /// One entry per `ConfigurationKey.all`, in that order.
    public var settings: [ResolvedSetting] = []
    /// Keys in the file that Portrait does not know; validation refuses them.
    public var unknown: [String: String] = [:]

    /// The values that were set (not defaulted), for `PortraitConfiguration(values:)`.
    var explicitValues: [String: String] {
        var values = unknown
        for setting in settings where setting.source != .default { values[setting.key.name] = setting.value }
        return values
    }
}
