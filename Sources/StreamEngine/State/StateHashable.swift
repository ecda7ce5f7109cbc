/// A key or namespace of keyed state: `Hashable`, plus a cheap 64-bit hash that the engine's
/// state tables, timer buckets and key groups use instead of the SipHash-based `Hasher`.
///
/// Integer keys hash to themselves and compound keys combine their fields with
/// ``StateHash/combine(_:_:)``; tables mix the result (``StateHash/finalize(_:)``), so
/// `stateHash` need not be well distributed, only equal for equal values. Types without a
/// cheaper hash declare the conformance and get `hashValue`.
public protocol StateHashable: Hashable {
    /// Equal for equal values; need not be well mixed.
    var stateHash: UInt64 { get }
}

extension StateHashable {
    /// Falls back to the standard library's hash (SipHash; correct, not the fastest).
    @inlinable
    public var stateHash: UInt64 { UInt64(UInt(bitPattern: hashValue)) }
}

/// The integer mixing behind ``StateHashable``: deterministic across processes, a few cycles
/// per key, and good enough for tables that index by the top bits.
public enum StateHash {
    /// Folds `value` into `hash` (FxHash-style rotate, xor, multiply).
    @inlinable @inline(__always)
    public static func combine(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        (((hash << 5) | (hash >> 59)) ^ value) &* 0x517C_C1B7_2722_0A95
    }

    /// Spreads every input bit over the top bits (the finaliser of MurmurHash3, shortened).
    @inlinable @inline(__always)
    public static func finalize(_ hash: UInt64) -> UInt64 {
        var mixed = hash &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 32
        mixed &*= 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 29
        return mixed
    }
}

extension Int64: StateHashable {
    @inlinable public var stateHash: UInt64 { UInt64(bitPattern: self) }
}

extension Int: StateHashable {
    @inlinable public var stateHash: UInt64 { UInt64(UInt(bitPattern: self)) }
}

extension Int32: StateHashable {
    @inlinable public var stateHash: UInt64 { UInt64(UInt32(bitPattern: self)) }
}

extension UInt64: StateHashable {
    @inlinable public var stateHash: UInt64 { self }
}

extension UInt32: StateHashable {
    @inlinable public var stateHash: UInt64 { UInt64(self) }
}

extension UInt8: StateHashable {
    @inlinable public var stateHash: UInt64 { UInt64(self) }
}

extension Bool: StateHashable {
    @inlinable public var stateHash: UInt64 { self ? 1 : 0 }
}

extension String: StateHashable {}
