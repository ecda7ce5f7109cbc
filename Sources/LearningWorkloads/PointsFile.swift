import Foundation
import Learning

/// Reads `gen_ml.py blobs` files (`x0,…,x{D−1}` then one point per line) into a table with
/// one dense vector column.
public enum PointsFile {
    /// Loads `path` into a table whose column `column` holds the points.
    public static func load(_ path: String, column: String = "features") throws -> Table {
        let data = try CSVBytes.read(path)
        let (dimension, values) = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> (Int, [Double]) in
            let (names, dataStart) = try CSVBytes.header(bytes, path: path)
            guard !names.isEmpty, names.enumerated().allSatisfy({ $1 == "x\($0)" }) else {
                throw MLDataError.badHeader(path: path, expected: "x0,x1,…", found: names.joined(separator: ","))
            }
            let dimension = names.count
            // Split the body at line boundaries so each core parses its own part.
            let ranges = lineAlignedRanges(bytes, from: dataStart, parts: 2)
            var parts = [Result<[Double], MLDataError>](repeating: .success([]), count: ranges.count)
            parts.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let output = results
                nonisolated(unsafe) let input = bytes
                DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
                    // Each part writes only its own slot of `output`; the file bytes are read-only.
                    output[part] = Result { () throws(MLDataError) -> [Double] in
                        do throws(MLDataError) {
                            return try parse(input, range: ranges[part], dimension: dimension, path: path)
                        } catch {
                            // Parts count lines from their own start; report the line within the whole file.
                            throw error.shiftingLine(by: PointsFile.lineCount(input, ranges[0].lowerBound ..< ranges[part].lowerBound))
                        }
                    }
                }
            }
            var values: [Double] = []
            for part in parts { values.append(contentsOf: try part.get()) }
            return (dimension, values)
        }
        guard !values.isEmpty else { return try Table([(column, .vector(DenseVectorColumn(dimension: dimension, values: [])))]) }
        return try Table([(column, .vector(DenseVectorColumn(dimension: dimension, values: values)))])
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, dimension: Int, path: String) throws(MLDataError) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(range.count / 10)
        var position = range.lowerBound
        var line = 0
        while position < range.upperBound {
            line += 1
            var field = 0
            var fieldStart = position
            while true {
                let atEnd = position >= range.upperBound || bytes[position] == UInt8(ascii: "\n")
                if atEnd || bytes[position] == UInt8(ascii: ",") {
                    var fieldEnd = position
                    if atEnd, fieldEnd > fieldStart, bytes[fieldEnd - 1] == UInt8(ascii: "\r") { fieldEnd -= 1 }
                    if field == 0 && fieldEnd == fieldStart && atEnd { break } // blank line
                    guard field < dimension else { throw .wrongFieldCount(path: path, line: line, expected: dimension, found: field + 1) }
                    guard let value = CSVBytes.parseDouble(bytes, fieldStart, fieldEnd) else {
                        throw .badNumber(path: path, line: line, field: field)
                    }
                    values.append(value)
                    field += 1
                    fieldStart = position + 1
                    if atEnd { break }
                }
                position += 1
            }
            if field != 0 && field != dimension {
                throw .wrongFieldCount(path: path, line: line, expected: dimension, found: field)
            }
            position += 1
        }
        return values
    }

    /// `parts` ranges covering `start..<bytes.count`, each ending just after a newline.
    static func lineAlignedRanges(_ bytes: UnsafeRawBufferPointer, from start: Int, parts: Int) -> [Range<Int>] {
        var bounds = [start]
        for part in 1 ..< parts {
            var cut = max(start + (bytes.count - start) * part / parts, bounds[bounds.count - 1])
            while cut < bytes.count, bytes[cut] != UInt8(ascii: "\n") { cut += 1 }
            bounds.append(min(cut + 1, bytes.count))
        }
        bounds.append(bytes.count)
        return (0 ..< parts).map { bounds[$0] ..< max(bounds[$0], bounds[$0 + 1]) }
    }

    /// Newlines in `range` of `bytes` (only used to report errors).
    static func lineCount(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var count = 0
        for index in range where bytes[index] == UInt8(ascii: "\n") { count += 1 }
        return count
    }
}
