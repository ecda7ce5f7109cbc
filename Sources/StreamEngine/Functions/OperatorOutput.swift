/// Where a keyed operator sends its results: the main output and one typed side output.
///
/// Operators are generic over it, so after specialisation an emitted element goes straight
/// into the downstream chain and sink writer — no buffering, boxing or existential call.
public protocol OperatorOutput<Element, Side> {
    /// Main-output element type.
    associatedtype Element
    /// Side-output element type (late events for windows).
    associatedtype Side

    /// Emits to the main output.
    mutating func emit(_ element: Element)
    /// Emits to the side output.
    mutating func emitSide(_ element: Side)
}
