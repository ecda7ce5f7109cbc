internal import CMariaDB

/// Output `MYSQL_BIND`s for one result set, reused for every row so streaming a large result
/// allocates only the values it returns.
struct ResultBindings {
    fileprivate enum Kind { case signed, unsigned, double, temporal(enum_field_types), decimal, text, binary }

    let count: Int
    let names: [String]
    private let kinds: [Kind]
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<my_bool>
    private let errors: UnsafeMutablePointer<my_bool>
    private var buffers: [UnsafeMutableRawPointer]
    private var capacities: [Int]

    init(fields: UnsafeMutablePointer<MYSQL_FIELD>, count: Int) {
        self.count = count
        binds = .allocate(capacity: count)
        binds.initialize(repeating: MYSQL_BIND(), count: count)
        lengths = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        nulls = .allocate(capacity: count)
        nulls.initialize(repeating: 0, count: count)
        errors = .allocate(capacity: count)
        errors.initialize(repeating: 0, count: count)
        var names: [String] = [], kinds: [Kind] = [], buffers: [UnsafeMutableRawPointer] = [], capacities: [Int] = []
        for index in 0..<count {
            let field = fields[index]
            names.append(String(cString: field.name))
            let kind = Self.kind(of: field)
            kinds.append(kind)
            let capacity: Int
            var bind = MYSQL_BIND()
            switch kind {
            case .signed, .unsigned:
                bind.buffer_type = MYSQL_TYPE_LONGLONG
                bind.is_unsigned = kind.isUnsigned ? 1 : 0
                capacity = 8
            case .double:
                bind.buffer_type = MYSQL_TYPE_DOUBLE
                capacity = 8
            case .temporal(let type):
                bind.buffer_type = type
                capacity = MemoryLayout<MYSQL_TIME>.size
            case .decimal, .text, .binary:
                bind.buffer_type = MYSQL_TYPE_BLOB
                capacity = 256
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            bind.buffer = buffer
            bind.buffer_length = UInt(capacity)
            bind.length = lengths + index
            bind.is_null = nulls + index
            bind.error = errors + index
            binds[index] = bind
            buffers.append(buffer)
            capacities.append(capacity)
        }
        self.names = names
        self.kinds = kinds
        self.buffers = buffers
        self.capacities = capacities
    }

    func deallocate() {
        for buffer in buffers { buffer.deallocate() }
        binds.deallocate(); lengths.deallocate(); nulls.deallocate(); errors.deallocate()
    }

    /// Reads the fetched row; columns longer than their buffer are fetched again in full.
    mutating func row(statement: UnsafeMutablePointer<MYSQL_STMT>) -> [MySQLValue] {
        var values: [MySQLValue] = []
        values.reserveCapacity(count)
        var grown = false
        for index in 0..<count {
            if nulls[index] != 0 { values.append(.null); continue }
            let length = Int(lengths[index])
            if length > capacities[index] {  // only variable-length columns can outgrow their buffer
                grow(index, to: length)
                mysql_stmt_fetch_column(statement, binds + index, UInt32(index), 0)
                grown = true
            }
            values.append(value(at: index, length: length))
        }
        // The statement keeps its own copy of the binds: hand it the new buffers, or the next
        // fetch writes into freed memory.
        if grown { mysql_stmt_bind_result(statement, binds) }
        return values
    }

    private mutating func grow(_ index: Int, to length: Int) {
        buffers[index].deallocate()
        let capacity = max(length, capacities[index] * 2)
        buffers[index] = .allocate(byteCount: capacity, alignment: 8)
        capacities[index] = capacity
        binds[index].buffer = buffers[index]
        binds[index].buffer_length = UInt(capacity)
    }

    private func value(at index: Int, length: Int) -> MySQLValue {
        let buffer = buffers[index]
        switch kinds[index] {
        case .signed: return .int(buffer.load(as: Int64.self))
        case .unsigned: return .uint(buffer.load(as: UInt64.self))
        case .double: return .double(buffer.load(as: Double.self))
        case .temporal(let type): return Self.temporal(buffer.load(as: MYSQL_TIME.self), type: type)
        case .decimal: return .decimal(String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self))
        case .text: return .string(String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self))
        case .binary: return .bytes(Array(UnsafeRawBufferPointer(start: buffer, count: length)))
        }
    }

    private static func temporal(_ time: MYSQL_TIME, type: enum_field_types) -> MySQLValue {
        let date = MySQLDate(year: Int(time.year), month: Int(time.month), day: Int(time.day))
        switch type {
        case MYSQL_TYPE_DATE: return .date(date)
        case MYSQL_TYPE_TIME:
            return .time(MySQLTime(negative: time.neg != 0, hours: Int(time.hour) + Int(time.day) * 24, minutes: Int(time.minute), seconds: Int(time.second), microseconds: Int(time.second_part)))
        default:
            return .datetime(MySQLDateTime(date: date, hour: Int(time.hour), minute: Int(time.minute), second: Int(time.second), microsecond: Int(time.second_part)))
        }
    }

    private static func kind(of field: MYSQL_FIELD) -> Kind {
        let unsigned = field.flags & UInt32(UNSIGNED_FLAG) != 0
        switch field.type {
        case MYSQL_TYPE_YEAR:
            return .signed  // flagged UNSIGNED, but a year reads naturally as a plain integer
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_INT24, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG:
            return unsigned ? .unsigned : .signed
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE:
            return .double
        case MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE:
            return .temporal(MYSQL_TYPE_DATE)
        case MYSQL_TYPE_TIME:
            return .temporal(MYSQL_TYPE_TIME)
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP:
            return .temporal(MYSQL_TYPE_DATETIME)
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
            return .decimal
        default:
            // charset 63 is `binary`: BINARY/VARBINARY/BLOB/BIT carry bytes, not text.
            return field.charsetnr == 63 ? .binary : .text
        }
    }
}

private extension ResultBindings.Kind {
    var isUnsigned: Bool { if case .unsigned = self { true } else { false } }
}
