import Hummingbird
import Kafka
import MySQL
import PortraitCore
import PortraitMetadata
import PortraitModels
import PortraitScheduler
import Redis

extension APIError {
    /// The answer for an error a handler let through: client mistakes keep a 4xx, unavailable
    /// services a 503; `nil` for errors that are the server's own fault (a 500, logged).
    init?(mapping error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as DefinitionError:
            self.init(.badRequest, code: "invalid_definition", error.message, field: error.field,
                      line: error.location?.line, column: error.location?.column)
        case let error as DefinitionStoreError:
            switch error {
            case .notFound: self.init(.notFound, code: "not_found", error.description)
            case .alreadyExists: self.init(.conflict, code: "already_exists", error.description)
            case .concurrentChange: self.init(.conflict, code: "concurrent_change", error.description)
            }
        case let error as ModelRegistryError:
            self.init(error)
        case let error as JobStoreError:
            self.init(error)
        case let error as HTTPError:
            switch error.status {
            case .notFound: self.init(.notFound, code: "not_found", "no such route")
            case .contentTooLarge: self = RequestBody.tooLarge
            case .badRequest: self.init(.badRequest, code: "invalid_request", error.body ?? "bad request")
            default: self.init(error.status, code: "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
            }
        case RedisError.connectionFailed:
            self.init(.serviceUnavailable, code: "redis_unavailable", "the profile store is not answering; try again")
        case MySQLError.server(code: 1406, _, let message):
            // "Data too long for column 'x'": a client's value, not an outage. Validators bound
            // the known fields first; this keeps any field they miss a 400.
            self.init(.badRequest, code: "value_too_long", "a value is longer than the metadata database allows (\(message))")
        case is MySQLError:
            self.init(.serviceUnavailable, code: "metadata_unavailable", "the metadata database is not answering; try again")
        case is CancellationError:
            self.init(.serviceUnavailable, code: "cancelled", "the request was cancelled before it finished; nothing is promised, retry")
        case is KafkaError:
            self.init(.serviceUnavailable, code: "kafka_unavailable", "Kafka did not acknowledge; nothing was accepted, try again")
        default:
            return nil
        }
    }
}

/// Turns every error into the API's JSON error shape; a bug answers 500 without details
/// (they go to the log, with the request id).
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let mapped = APIError(mapping: error) {
                if mapped.status.code >= 500 { context.logger.warning("request failed", metadata: ["error": "\(error)"]) }
                return try mapped.response(from: request, context: context)
            }
            context.logger.error("internal error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, code: "internal", "internal error; the server log has the details").response(from: request, context: context)
        }
    }
}
