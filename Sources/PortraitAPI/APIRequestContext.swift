import Hummingbird

/// Per-request context: Hummingbird's core storage plus who called, once authenticated.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key's name and role; `nil` on public routes.
    public var caller: (name: String, role: APIRole)?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by ``RequestBody`` with its own 1 MiB limit; keep Hummingbird's equal.
    public var maxUploadSize: Int { RequestBody.limit }
}
