/// Assigns keys to tasks: task `i` of `n` owns every key whose mixed ``StateHashable/stateHash``
/// modulo `n` is `i`.
///
/// The hash is deterministic across processes; a restored job re-filters every snapshot by
/// this rule, which also makes rescaling work.
@usableFromInline
enum KeyGroups {
    @inlinable
    static func task<Key: StateHashable>(of key: Key, parallelism: Int) -> Int {
        Int(truncatingIfNeeded: StateHash.finalize(key.stateHash) % UInt64(parallelism))
    }
}
