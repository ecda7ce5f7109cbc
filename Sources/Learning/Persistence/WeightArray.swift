/// One named array of fitted state, written to the compact binary `weights.bin`.
public enum WeightArray: Sendable, Equatable {
    /// 64-bit floats (weights, centres, statistics).
    case doubles([Double])
    /// 32-bit integers (sparse indices).
    case int32s([Int32])
    /// Strings (vocabularies).
    case strings([String])
}
