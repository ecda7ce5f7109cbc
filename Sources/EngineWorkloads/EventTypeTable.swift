import Synchronization

/// Interns event-type names to ``EventType`` ids, shared by the decoder (which adds names)
/// and the output encoders (which print them).
///
/// The four known types are fixed; others are added under a lock on first sight, which is
/// rare, so the per-event path is a byte comparison.
public final class EventTypeTable: Sendable {
    static let knownNames: [[UInt8]] = ["view", "click", "cart", "purchase"].map { Array($0.utf8) }
    let names = Mutex<[[UInt8]]>(EventTypeTable.knownNames)

    /// Creates a table holding the four known types.
    public init() {}

    /// The id of `name`, adding it if new; `nil` when all 256 ids are taken.
    @usableFromInline
    func intern(_ name: UnsafeRawBufferPointer) -> EventType? {
        names.withLock { names in
            if let index = names.firstIndex(where: { $0.elementsEqual(name) }) { return EventType(id: UInt8(index)) }
            guard names.count < 256 else { return nil }
            names.append(Array(name))
            return EventType(id: UInt8(names.count - 1))
        }
    }

    /// The UTF-8 name of `type`.
    public func name(of type: EventType) -> [UInt8] {
        if Int(type.id) < Self.knownNames.count { return Self.knownNames[Int(type.id)] }
        return names.withLock { Int(type.id) < $0.count ? $0[Int(type.id)] : Array("unknown".utf8) }
    }
}
