import NIOCore

/// Writes commands as RESP arrays of bulk strings straight into a `ByteBuffer`. Formatting is
/// done in Swift rather than with `redisFormatCommandArgv`: the format is four lines of code,
/// and hiredis would add a `malloc`, a copy into its buffer and a second copy into ours.
enum RESPEncoder {
    /// Appends `arguments` as one command, e.g. `["HGETALL", key]`; any bytes are safe.
    static func append(_ arguments: [any RedisArgument], to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "*"))
        writeDecimal(arguments.count, to: &buffer)
        for argument in arguments {
            argument.withRedisBytes { bytes in
                buffer.writeInteger(UInt8(ascii: "$"))
                writeDecimal(bytes.count, to: &buffer)
                buffer.writeBytes(bytes)
                buffer.writeStaticString("\r\n")
            }
        }
    }

    /// `commands`, one after the other, in a buffer of their own.
    static func encode(_ commands: [[any RedisArgument]]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64 * commands.count)
        for command in commands { append(command, to: &buffer) }
        return buffer
    }

    /// ``encode(_:)-([[any RedisArgument]])`` for commands of text arguments, without an
    /// existential and a dynamic call per argument.
    static func encode(_ commands: [[String]]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64 * commands.count)
        for command in commands {
            buffer.writeInteger(UInt8(ascii: "*"))
            writeDecimal(command.count, to: &buffer)
            for argument in command {
                buffer.writeInteger(UInt8(ascii: "$"))
                writeDecimal(argument.utf8.count, to: &buffer)
                buffer.writeString(argument)
                buffer.writeStaticString("\r\n")
            }
        }
        return buffer
    }

    /// `value` in decimal (``DecimalDigits``, shared with ``RESPCommands``), then CRLF.
    private static func writeDecimal(_ value: Int, to buffer: inout ByteBuffer) {
        var digits = DecimalDigits(Int64(value))
        digits.withBytes { buffer.writeBytes($0) }
        buffer.writeStaticString("\r\n")
    }
}
