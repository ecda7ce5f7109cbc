/// A stateless step between a source and a keyed operator (or between an operator and a
/// sink): map, filter, flatMap, and their compositions.
///
/// Transforms compose as nested generic structs, so a whole chain specialises into straight
/// line code per record (Flink's operator chaining) instead of one call per stage.
public protocol RecordTransform: Sendable {
    /// Input element type.
    associatedtype Input
    /// Output element type.
    associatedtype Output

    /// Calls `emit` for each output of `input` (zero, one or more).
    func apply(_ input: Input, _ emit: (Output) -> Void)
}

/// Passes elements through.
public struct IdentityTransform<Element>: RecordTransform {
    /// Creates the transform.
    public init() {}
    @inlinable public func apply(_ input: Element, _ emit: (Element) -> Void) { emit(input) }
}

/// Applies a function to each element.
public struct MapTransform<Upstream: RecordTransform, Output>: RecordTransform {
    @usableFromInline let upstream: Upstream
    @usableFromInline let transform: @Sendable (Upstream.Output) -> Output

    /// Creates the transform.
    public init(_ upstream: Upstream, _ transform: @escaping @Sendable (Upstream.Output) -> Output) {
        self.upstream = upstream
        self.transform = transform
    }

    @inlinable
    public func apply(_ input: Upstream.Input, _ emit: (Output) -> Void) {
        upstream.apply(input) { emit(transform($0)) }
    }
}

/// Keeps the elements matching a predicate.
public struct FilterTransform<Upstream: RecordTransform>: RecordTransform {
    @usableFromInline let upstream: Upstream
    @usableFromInline let isIncluded: @Sendable (Upstream.Output) -> Bool

    /// Creates the transform.
    public init(_ upstream: Upstream, _ isIncluded: @escaping @Sendable (Upstream.Output) -> Bool) {
        self.upstream = upstream
        self.isIncluded = isIncluded
    }

    @inlinable
    public func apply(_ input: Upstream.Input, _ emit: (Upstream.Output) -> Void) {
        upstream.apply(input) { if isIncluded($0) { emit($0) } }
    }
}

/// Turns each element into zero or more elements, emitted through a callback so no array is
/// built per element.
public struct FlatMapTransform<Upstream: RecordTransform, Output>: RecordTransform {
    @usableFromInline let upstream: Upstream
    @usableFromInline let transform: @Sendable (Upstream.Output, (Output) -> Void) -> Void

    /// Creates the transform.
    public init(_ upstream: Upstream, _ transform: @escaping @Sendable (Upstream.Output, (Output) -> Void) -> Void) {
        self.upstream = upstream
        self.transform = transform
    }

    @inlinable
    public func apply(_ input: Upstream.Input, _ emit: (Output) -> Void) {
        upstream.apply(input) { transform($0, emit) }
    }
}
