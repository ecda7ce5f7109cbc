import Synchronization

/// Lets TagLang work that is already running stop early: the lexer, parser, checker and
/// compiler look at the current token every ``interval`` steps (cheap: one atomic load) and
/// throw a `cancelled` error once it is cancelled. The API binds one to each compile it runs
/// for a request and cancels it when the request times out, so the work stops instead of
/// running to the end of TagLang's limits. Without a token (the processor, the CLI) nothing
/// is checked.
public final class TagLangCancellation: Sendable {
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    public func cancel() { cancelled.store(true, ordering: .releasing) }

    /// The token the passes of the current task (or thread) check, if any.
    @TaskLocal public static var current: TagLangCancellation?

    /// Steps between two checks of a pass that counts its steps (tokens read, nodes visited).
    public static let interval = 256

    /// Throws `cancelled` at `location` when the current token is cancelled.
    public static func check(at location: SourceLocation) throws(TagLangError) {
        guard let token = current, token.isCancelled else { return }
        throw TagLangError(.cancelled, at: location, "stopped: the work was cancelled (its request timed out)")
    }

    /// `check(at:)` on every ``interval``-th step (the first included).
    @inline(__always)
    public static func check(step: Int, at location: @autoclosure () -> SourceLocation) throws(TagLangError) {
        guard step % interval == 0 else { return }
        try check(at: location())
    }
}
