import Synchronization

/// The file behind a ``CSVSink``, shared by every task's writer: opened (and the header
/// written) by the first writer, closed by the last. Writers hand over whole buffers, so rows
/// from different tasks never interleave.
@usableFromInline
final class CSVOutputFile: Sendable {
    struct State {
        var descriptor: Int32 = -1
        var openWriters = 0
        var rows = 0
    }

    let path: String
    let header: String?
    let state = Mutex(State())

    init(path: String, header: String?) {
        self.path = path
        self.header = header
    }

    func attachWriter() throws {
        try state.withLock { state throws(CSVError) in
            if state.descriptor < 0 {
                let opened = POSIXFile.openForWriting(path)
                guard opened.descriptor >= 0 else { throw .cannotOpen(path: path, errno: opened.errno) }
                state.descriptor = opened.descriptor
                if let header {
                    let line = Array((header + "\n").utf8)
                    let code = line.withUnsafeBytes { POSIXFile.writeAll(opened.descriptor, $0.baseAddress!, count: $0.count) }
                    guard code == 0 else { throw .writeFailed(path: path, errno: code) }
                }
            }
            state.openWriters += 1
        }
    }

    func write(_ bytes: [UInt8], rows: Int) throws {
        guard !bytes.isEmpty else { return }
        try state.withLock { state throws(CSVError) in
            let code = bytes.withUnsafeBytes { POSIXFile.writeAll(state.descriptor, $0.baseAddress!, count: $0.count) }
            guard code == 0 else { throw .writeFailed(path: path, errno: code) }
            state.rows += rows
        }
    }

    func detachWriter() {
        state.withLock { state in
            state.openWriters -= 1
            if state.openWriters == 0, state.descriptor >= 0 {
                POSIXFile.close(state.descriptor)
                state.descriptor = -1
            }
        }
    }

    var rowsWritten: Int { state.withLock { $0.rows } }
}
