import Synchronization

/// Counts the steps TagLang's passes take — bytes the lexer reads (columns included), tokens
/// the parser consumes, nodes compiled and explained, bytes of explanation text copied — so a
/// test can check that work grows linearly with the input by counting, not by timing.
/// Production code never sets one; each pass adds its total once, at its end.
public final class TagLangWorkCounter: Sendable {
    private let total = Atomic<Int>(0)

    public init() {}

    /// Steps counted so far.
    public var steps: Int { total.load(ordering: .relaxed) }

    func add(_ steps: Int) {
        total.add(steps, ordering: .relaxed)
    }

    /// The counter the passes of the current task report to, if any.
    @TaskLocal public static var current: TagLangWorkCounter?

    /// Adds `steps` to the current counter, if one is set.
    static func record(_ steps: Int) {
        current?.add(steps)
    }
}
