@testable import PortraitAPI
import PortraitProcessor
import Testing

/// Profile answers write `updated_at` with ``TimestampBytes``; it must be the text
/// `TimestampText.iso8601` writes, quoted, for every time.
@Suite struct TimestampBytesTests {
    static func expectSame(_ milliseconds: Int64) {
        var written: [UInt8] = []
        TimestampBytes.writeJSON(milliseconds: milliseconds, to: &written)
        #expect(String(decoding: written, as: UTF8.self) == "\"" + TimestampText.iso8601(milliseconds: milliseconds) + "\"", "\(milliseconds)")
    }

    @Test func writesWhatTimestampTextWrites() {
        let day: Int64 = 86_400_000
        // Epoch, negatives, leap days (2000 is one, 1900 and 2100 are not), year ends, the
        // edges of four-digit years and beyond them.
        let fixed: [Int64] = [
            0, -1, 1, 999, 1_000, -1_000, -1_001, 1_700_000_000_000, 1_700_000_000_123, day - 1, -day, -day - 1,
            951_782_400_000, 951_868_800_000, -2_203_891_200_000, -2_203_977_600_000, 4_107_456_000_000, 4_107_542_400_000,
            946_684_799_999, 946_684_800_000, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000,
            -62_167_219_200_000 - 366 * day, 253_402_300_800_000 + 400 * 366 * day,
        ]
        for milliseconds in fixed { Self.expectSame(milliseconds) }
        // Every day from 1969 to 2101 at a time that moves through the day, and a spread over
        // the whole four-digit range.
        for index in Int64(-366)...Int64(48_300) { Self.expectSame(index * day + index * 7_919_311 % day) }
        var value: Int64 = -62_167_219_200_000
        while value < 253_402_300_800_000 {
            Self.expectSame(value)
            value += 9_876_543_210_987
        }
    }
}
