import Logging
import PortraitConfig

/// Masks credentials in every message and metadata value before the real handler writes it,
/// so a URL with a password logged by any library never reaches the output.
struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler

    init(wrapping handler: any LogHandler) {
        wrapped = handler
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: SecretRedaction.redactingURLs(in: event.message.description))
        if let metadata = event.metadata {
            event.metadata = metadata.mapValues { Self.redacted($0) }
        }
        var handler = wrapped
        handler.metadata = wrapped.metadata.mapValues { Self.redacted($0) }
        handler.log(event: event)
    }

    private static func redacted(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        .string(SecretRedaction.redactingURLs(in: value.description))
    }
}
