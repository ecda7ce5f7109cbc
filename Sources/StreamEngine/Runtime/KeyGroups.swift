/// Assigns keys to tasks: task `i` of `n` owns every key whose hash modulo `n` is `i`.
///
/// Uses the process's `Hasher`, so the assignment is stable within a process; a restored job
/// re-filters every snapshot by this rule, which also makes rescaling work.
@usableFromInline
enum KeyGroups {
    @inlinable
    static func task<Key: Hashable>(of key: Key, parallelism: Int) -> Int {
        Int(UInt(bitPattern: key.hashValue) % UInt(parallelism))
    }
}
