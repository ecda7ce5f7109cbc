internal import CMariaDB

/// `MYSQL_BIND`s for statement parameters, with the memory they point to.
/// Everything is freed by `deallocate()`, after the statement has executed.
struct ParameterBindings {
    private(set) var binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []
    let count: Int

    init(_ values: [MySQLValue]) {
        count = values.count
        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        for (index, value) in values.enumerated() { bind(value, at: index) }
    }

    mutating func deallocate() {
        for pointer in allocations { pointer.deallocate() }
        allocations.removeAll()
        binds.deallocate()
    }

    private mutating func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        pointer.storeBytes(of: value, as: T.self)
        allocations.append(pointer)
        return pointer
    }

    private mutating func storeBytes(_ bytes: some Collection<UInt8>) -> (UnsafeMutableRawPointer, Int) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        pointer.copyMemory(from: Array(bytes), byteCount: bytes.count)
        allocations.append(pointer)
        return (pointer, bytes.count)
    }

    private mutating func bind(_ value: MySQLValue, at index: Int) {
        var bind = MYSQL_BIND()
        switch value {
        case .null:
            bind.buffer_type = MYSQL_TYPE_NULL
        case .int(let number):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(number)
        case .uint(let number):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(number)
            bind.is_unsigned = 1
        case .double(let number):
            bind.buffer_type = MYSQL_TYPE_DOUBLE
            bind.buffer = store(number)
        case .decimal(let text):
            (bind.buffer, bind.buffer_length) = widen(storeBytes(text.utf8))
            bind.buffer_type = MYSQL_TYPE_NEWDECIMAL
        case .string(let text):
            (bind.buffer, bind.buffer_length) = widen(storeBytes(text.utf8))
            bind.buffer_type = MYSQL_TYPE_STRING
        case .bytes(let bytes):
            (bind.buffer, bind.buffer_length) = widen(storeBytes(bytes))
            bind.buffer_type = MYSQL_TYPE_BLOB
        case .date(let date):
            bind.buffer_type = MYSQL_TYPE_DATE
            bind.buffer = store(MYSQL_TIME(date: date, time: nil))
        case .time(let time):
            bind.buffer_type = MYSQL_TYPE_TIME
            bind.buffer = store(MYSQL_TIME(time: time))
        case .datetime(let datetime):
            bind.buffer_type = MYSQL_TYPE_DATETIME
            bind.buffer = store(MYSQL_TIME(date: datetime.date, time: datetime))
        }
        binds[index] = bind
    }

    private func widen(_ stored: (UnsafeMutableRawPointer, Int)) -> (UnsafeMutableRawPointer?, UInt) {
        (stored.0, UInt(stored.1))
    }
}

extension MYSQL_TIME {
    init(date: MySQLDate, time: MySQLDateTime?) {
        self.init()
        year = UInt32(date.year); month = UInt32(date.month); day = UInt32(date.day)
        if let time {
            hour = UInt32(time.hour); minute = UInt32(time.minute); second = UInt32(time.second)
            second_part = UInt(time.microsecond)
            time_type = MYSQL_TIMESTAMP_DATETIME
        } else {
            time_type = MYSQL_TIMESTAMP_DATE
        }
    }

    init(time: MySQLTime) {
        self.init()
        // The binary protocol carries TIME as days + hours (one byte), so split long durations.
        day = UInt32(time.hours / 24); hour = UInt32(time.hours % 24)
        minute = UInt32(time.minutes); second = UInt32(time.seconds)
        second_part = UInt(time.microseconds)
        neg = time.negative ? 1 : 0
        time_type = MYSQL_TIMESTAMP_TIME
    }
}
