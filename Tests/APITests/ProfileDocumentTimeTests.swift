import Foundation
import PortraitProcessor
@testable import PortraitAPI
import Testing

/// `updated_at` is formatted by integer arithmetic; Foundation's ISO 8601 formatter is the reference.
@Suite("Profile document times")
struct ProfileDocumentTimeTests {
    static func reference(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
    }

    @Test("Matches ISO8601DateFormatter around epochs, leap days, century rules and before 1970",
          arguments: [
              Int64(0), 1, 999, 1_000, -1, -1_000, -1_001, 1_767_225_600_000, 1_700_000_000_000,
              951_782_400_000,  // 2000-02-29
              -2_203_891_200_000,  // 1900-02-28
              4_107_542_399_999,  // 2100-02-28T23:59:59.999
              4_107_542_400_000,  // 2100-03-01
              253_402_300_799_999,  // 9999-12-31T23:59:59.999
          ])
    func matchesFoundation(milliseconds: Int64) {
        let expected = Self.reference(milliseconds)
        #expect(TimestampText.iso8601(milliseconds: milliseconds) == expected)
    }

    @Test("Matches ISO8601DateFormatter on a sweep of days across four centuries")
    func sweep() {
        var mismatches: [Int64] = []
        for day in stride(from: Int64(-25_567), through: 120_000, by: 37) {
            let milliseconds = day * 86_400_000 + (day * 7_919_993) % 86_400_000
            let expected = Self.reference(milliseconds)
            if TimestampText.iso8601(milliseconds: milliseconds) != expected { mismatches.append(milliseconds) }
        }
        #expect(mismatches.isEmpty)
    }
}
