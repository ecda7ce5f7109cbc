import Connectors
import EngineWorkloads
import Foundation
import StreamEngine
import Testing

@Suite struct CSVFileSourceTests {
    static let input = """
        ts_ms,user_id,event_type,item_id,category,amount
        1000,1,view,10,c01,0.00
        2000,1,purchase,11,c02,12.5
        oops,2,view,12,c03,0.00
        3000,2,"click",13,c04,0.00
        4000,3,view,14
        5000,3,signup,15,c05,-1.25

        6000,4,cart,16,c06,7
        """

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func readAll(_ path: String, policy: CSVErrorPolicy, statistics: CSVReadStatistics) throws -> [UserEvent] {
        let table = EventTypeTable()
        let source = CSVFileSource(path: path, decoder: UserEventDecoder(eventTypes: table), errorPolicy: policy,
                                   chunkSize: 4096, statistics: statistics)
        let reader = try source.createReader(partition: 0, startingAt: nil)
        var events: [UserEvent] = []
        while try reader.read(into: &events, maxRecords: 2) != .endOfInput {}
        return events
    }

    @Test func skipPolicyCountsMalformedLinesWithLineNumbers() throws {
        let path = try Self.write(Self.input)
        let statistics = CSVReadStatistics()
        let events = try Self.readAll(path, policy: .skip, statistics: statistics)
        #expect(events.map(\.timestamp) == [1000, 2000, 3000, 5000, 6000])
        #expect(events[1].amountCents == 1250)
        #expect(events[2].eventType == .click)
        #expect(events[3].amountCents == -125)
        #expect(events[4].amountCents == 700)
        #expect(statistics.skippedLines == 2)
        let lines = statistics.firstErrors.compactMap { error -> Int? in
            if case .malformedLine(_, let line, _) = error { return line }
            return nil
        }
        #expect(lines == [4, 6])
    }

    @Test func failPolicyStopsAtTheFirstMalformedLine() throws {
        let path = try Self.write(Self.input)
        #expect {
            try Self.readAll(path, policy: .fail, statistics: CSVReadStatistics())
        } throws: { error in
            guard case CSVError.malformedLine(_, let line, let reason) = error else { return false }
            return line == 4 && reason.contains("field 1")
        }
    }

    @Test func benchmarkReportsSkippedLinesAndFailsOnRequest() throws {
        let path = try Self.write(Self.input)
        let output = path + ".out"
        let report = try EngineBenchmark.run(EngineBenchmarkOptions(workload: .w1, input: path, output: output, errorPolicy: .skip))
        #expect(report.events == 5)
        #expect(report.skippedLines == 2)
        #expect(report.outputRows == 5)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.contains("1,purchase,0,3600000,1,12.50\n"))
        #expect(text.contains("3,signup,0,3600000,1,-1.25\n"))
        #expect(throws: CSVError.self) {
            try EngineBenchmark.run(EngineBenchmarkOptions(workload: .w1, input: path, output: output, errorPolicy: .fail))
        }
        #expect(throws: CSVError.self) {
            try EngineBenchmark.run(EngineBenchmarkOptions(workload: .w1, input: path + ".missing", output: output))
        }
    }

    @Test func lineWriterFormatsIntegersAndDecimals() {
        var writer = CSVLineWriter()
        writer.field(Int64.min)
        writer.field(0)
        writer.field(scaled: 5, scale: 2)
        writer.field(scaled: -123456, scale: 2)
        writer.field("a,\"b\"")
        writer.endRow()
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "-9223372036854775808,0,0.05,-1234.56,\"a,\"\"b\"\"\"\n")
    }

    @Test func longIntegersParseExactlyAndRejectStrayCharacters() throws {
        let text = """
            ts_ms,user_id,event_type,item_id,category,amount
            1767225600788,123456789012345678,view,1,c01,0.00
            -1767225600788,12345678,view,1,c01,0.00
            17672256007x8,1,view,1,c01,0.00
            1767225600/88,1,view,1,c01,0.00
            999999999999999999,99999999,view,1,c01,0.00
            9223372036854775807,1,view,1,c01,0.00
            9223372036854775808,1,view,1,c01,0.00
            """
        let statistics = CSVReadStatistics()
        let events = try Self.readAll(try Self.write(text), policy: .skip, statistics: statistics)
        #expect(events.map(\.timestamp) == [1_767_225_600_788, -1_767_225_600_788, 999_999_999_999_999_999, .max])
        #expect(events.map(\.userID) == [123_456_789_012_345_678, 12_345_678, 99_999_999, 1])
        #expect(statistics.skippedLines == 3)
    }

    @Test func splitReadersTogetherReadEveryLineOnce() throws {
        var text = "ts_ms,user_id,event_type,item_id,category,amount\n"
        for line in 0..<500 { text += "\(line),\(line % 7),view,\(line),c01,\(line).25\n" }
        text += "oops,1,view,1,c01,0.00\n"
        let path = try Self.write(text)
        for partitions in [1, 2, 3, 7, 4096] {
            let statistics = CSVReadStatistics()
            let source = CSVFileSource(path: path, decoder: UserEventDecoder(eventTypes: EventTypeTable()), errorPolicy: .skip,
                                       chunkSize: 4096, statistics: statistics, partitions: partitions)
            var events: [UserEvent] = []
            for partition in 0..<source.partitionCount {
                let reader = try source.createReader(partition: partition, startingAt: nil)
                while try reader.read(into: &events, maxRecords: 64) != .endOfInput {}
            }
            #expect(events.map(\.timestamp) == Array(0..<500))
            #expect(statistics.skippedLines == 1)
            let lines = statistics.firstErrors.compactMap { error -> Int? in
                if case .malformedLine(_, let line, _) = error { return line }
                return nil
            }
            #expect(lines == [502])
        }
    }

    @Test func readerResumesFromAnOffsetWithTrueLineNumbers() throws {
        let path = try Self.write(Self.input)
        let table = EventTypeTable()
        let statistics = CSVReadStatistics()
        let source = CSVFileSource(path: path, decoder: UserEventDecoder(eventTypes: table), errorPolicy: .skip, statistics: statistics)
        let first = try source.createReader(partition: 0, startingAt: nil)
        var events: [UserEvent] = []
        _ = try first.read(into: &events, maxRecords: 2)
        let resumed = try source.createReader(partition: 0, startingAt: first.position)
        var rest: [UserEvent] = []
        while try resumed.read(into: &rest, maxRecords: 100) != .endOfInput {}
        #expect(events.map(\.timestamp) == [1000, 2000])
        #expect(rest.map(\.timestamp) == [3000, 5000, 6000])
        let lines = statistics.firstErrors.compactMap { error -> Int? in
            if case .malformedLine(_, let line, _) = error { return line }
            return nil
        }
        #expect(lines == [4, 6])
    }
}
