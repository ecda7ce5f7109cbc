import Dispatch

/// Splits `0..<count` rows into contiguous chunks and runs them on all cores.
enum ParallelChunks {
    /// Cores to use; the work is memory-bound, so more chunks than cores only adds merging.
    static let workerCount: Int = max(1, activeProcessorCount())

    /// Chunk boundaries for `count` rows: at most `workerCount` chunks, none tiny.
    static func ranges(count: Int, minimumChunk: Int = 4096) -> [Range<Int>] {
        let chunks = max(1, min(workerCount, count / max(minimumChunk, 1)))
        return (0 ..< chunks).map { chunk in
            (count * chunk / chunks) ..< (count * (chunk + 1) / chunks)
        }
    }

    /// Runs `body(chunkIndex, rows)` for each chunk, concurrently when there are several,
    /// and returns when all have finished.
    ///
    /// Callers must only write memory owned by their chunk (their rows, or their slot of a
    /// per-chunk partial array) and only read memory nobody writes during the call.
    static func run(_ ranges: [Range<Int>], _ body: (Int, Range<Int>) -> Void) {
        if ranges.count == 1 {
            body(0, ranges[0])
            return
        }
        withoutActuallyEscaping(body) { work in
            // Safe to share: concurrentPerform returns only after every chunk finished, so
            // `work` does not outlive this call, and the contract above keeps chunks' writes
            // disjoint.
            nonisolated(unsafe) let shared = work
            DispatchQueue.concurrentPerform(iterations: ranges.count) { chunk in
                shared(chunk, ranges[chunk])
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
private func activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func activeProcessorCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#else
private func activeProcessorCount() -> Int { 1 }
#endif
