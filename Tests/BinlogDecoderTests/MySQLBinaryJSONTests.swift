import MySQL
import Testing

/// Fixtures built from MySQL's documented binary JSON layout (`json_binary.h`).
@Suite("MySQL binary JSON")
struct MySQLBinaryJSONTests {
    typealias F = BinlogFixtures

    @Test func scalars() throws {
        #expect(try MySQLBinaryJSON.text([0x04, 0x01]) == "true")
        #expect(try MySQLBinaryJSON.text([0x04, 0x00]) == "null")
        #expect(try MySQLBinaryJSON.text([0x05, 0xFF, 0xFF]) == "-1")
        #expect(try MySQLBinaryJSON.text([0x0A] + F.le(UInt64.max, 8)) == "18446744073709551615")
        #expect(try MySQLBinaryJSON.text([0x0B] + F.le(2.5.bitPattern, 8)) == "2.5")
        #expect(try MySQLBinaryJSON.text([0x0C, 0x05] + Array("a\"b\\c".utf8)) == #""a\"b\\c""#)
        #expect(try MySQLBinaryJSON.text([]) == "null")
    }

    @Test func smallObjectWithInlinedAndOffsetValues() throws {
        // {"a": 1, "b": "x"}: count, size, 2 key entries, 2 value entries, keys, then the string.
        var object = F.le(2, 2) + F.le(22, 2)
        object += F.le(18, 2) + F.le(1, 2) + F.le(19, 2) + F.le(1, 2)
        object += [0x05] + F.le(1, 2) + [0x0C] + F.le(20, 2)
        object += Array("ab".utf8) + [0x01] + Array("x".utf8)
        #expect(try MySQLBinaryJSON.text([0x00] + object) == #"{"a": 1, "b": "x"}"#)
    }

    @Test func nestedArraysAndLargeObjects() throws {
        // [1, [true, null], 2.5]
        let inner = F.le(2, 2) + F.le(10, 2) + [0x04] + F.le(1, 2) + [0x04] + F.le(0, 2)
        var array = F.le(3, 2) + F.le(31, 2)
        array += [0x05] + F.le(1, 2) + [0x02] + F.le(13, 2) + [0x0B] + F.le(23, 2)
        array += inner + F.le(2.5.bitPattern, 8)
        #expect(try MySQLBinaryJSON.text([0x02] + array) == "[1, [true, null], 2.5]")
        // Large object {"k": 70000}: 4-byte counts and offsets; int32 is inlined in the large form.
        var large = F.le(1, 4) + F.le(20, 4) + F.le(19, 4) + F.le(1, 2) + [0x07] + F.le(70_000, 4)
        large += Array("k".utf8)
        #expect(try MySQLBinaryJSON.text([0x01] + large) == #"{"k": 70000}"#)
    }

    @Test func deepNestingAndOpaqueDecimal() throws {
        // 100 nested single-element arrays around 7.
        var value: [UInt8] = [0x05] + F.le(7, 2)
        var type: UInt8 = 0x05
        var body: [UInt8] = []
        for _ in 0..<100 {
            if type == 0x05 {
                body = F.le(1, 2) + F.le(7, 2) + value
            } else {
                body = F.le(1, 2) + F.le(UInt64(7 + value.count), 2) + [type] + F.le(7, 2) + value
            }
            type = 0x02
            value = body
        }
        let text = try MySQLBinaryJSON.text([0x02] + body)
        #expect(text == String(repeating: "[", count: 100) + "7" + String(repeating: "]", count: 100))
        let decimal: [UInt8] = [0x0F, 246, 9, 14, 4, 0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2]
        #expect(try MySQLBinaryJSON.text(decimal) == "1234567890.1234")
    }

    @Test func corruptDocumentsAreErrors() {
        #expect(throws: BinlogDecodingError.self) { try MySQLBinaryJSON.text([0x00, 0x02, 0x00, 0xFF, 0x00]) }
        #expect(throws: BinlogDecodingError.self) { try MySQLBinaryJSON.text([0x0C, 0x09, 0x61]) }
        #expect(throws: BinlogDecodingError.self) { try MySQLBinaryJSON.text([0x42]) }
    }
}
