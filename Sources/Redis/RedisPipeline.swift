internal import CHiredis

/// Commands being appended to a connection's output buffer; replies are read when the
/// `RedisConnection.pipeline` closure returns. Arguments are passed with their lengths, so
/// any bytes are safe.
public struct RedisPipeline {
    private let context: UnsafeMutablePointer<redisContext>
    /// Commands appended so far.
    public private(set) var count = 0
    // Reused across commands so appending allocates nothing once the buffers have grown.
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []
    private var pointers: [UnsafePointer<CChar>?] = []
    private var lengths: [Int] = []
    var failure: RedisError?

    init(context: UnsafeMutablePointer<redisContext>) {
        self.context = context
    }

    /// Appends one command, e.g. `["HSET", key, field, value]`.
    public mutating func append(_ arguments: [any RedisArgument]) {
        bytes.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        for argument in arguments {
            offsets.append(bytes.count)
            argument.withRedisBytes { bytes.append(contentsOf: $0) }
        }
        offsets.append(bytes.count)
        appendCollected()
    }

    /// Appends one command; variadic form of `append(_:)`.
    public mutating func append(_ arguments: any RedisArgument...) {
        append(arguments)
    }

    /// Appends commands already encoded (``RESPCommands``); their replies are read like the others.
    public mutating func append(encoded commands: RESPCommands) {
        guard commands.count > 0 else { return }
        let status = commands.bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { redisAppendFormattedCommand(context, $0.baseAddress, $0.count) }
        }
        if status == REDIS_OK {
            count += commands.count
        } else if failure == nil {
            failure = .connectionFailed(endpoint: "redis", detail: "cannot buffer command")
        }
    }

    private mutating func appendCollected() {
        let argumentCount = offsets.count - 1
        pointers.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        let status: Int32 = bytes.withUnsafeBufferPointer { buffer in
            // An empty buffer may have no base address; hiredis only needs a valid pointer.
            let base = UnsafeRawPointer(buffer.baseAddress) ?? UnsafeRawPointer(bitPattern: 1)!
            for index in 0..<argumentCount {
                pointers.append((base + offsets[index]).assumingMemoryBound(to: CChar.self))
                lengths.append(offsets[index + 1] - offsets[index])
            }
            return redisAppendCommandArgv(context, Int32(argumentCount), &pointers, lengths)
        }
        if status == REDIS_OK {
            count += 1
        } else if failure == nil {
            failure = .connectionFailed(endpoint: "redis", detail: "cannot buffer command")
        }
    }
}
