import Foundation
import Learning

/// Reads `gen_ml.py classify` files (`label,f0,…,f{D−1},c0,…,c{C−1}`) into a table with a
/// numeric `label` column, a dense vector column `dense` holding the f* features (when D > 0),
/// and one categorical column per c* feature, named as in the header.
public enum ClassifyFile {
    /// The file's contents as a table, plus the names of its categorical columns.
    public static func load(_ path: String) throws -> (table: Table, categoricalColumns: [String]) {
        let data = try CSVBytes.read(path)
        return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> (Table, [String]) in
            let (names, dataStart) = try CSVBytes.header(bytes, path: path)
            let denseCount = names.filter { $0.hasPrefix("f") }.count
            let categoryNames = Array(names.dropFirst(1 + denseCount))
            let expected = ["label"] + (0 ..< denseCount).map { "f\($0)" } + (0 ..< categoryNames.count).map { "c\($0)" }
            guard names == expected else {
                throw MLDataError.badHeader(path: path, expected: "label,f0,…,c0,…", found: names.joined(separator: ","))
            }
            let ranges = PointsFile.lineAlignedRanges(bytes, from: dataStart, parts: 2)
            var parts = [Result<ClassifyRows, MLDataError>](repeating: .success(ClassifyRows(categories: 0)), count: ranges.count)
            parts.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let output = results
                nonisolated(unsafe) let input = bytes
                DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
                    // Each part writes only its own slot of `output`; the file bytes are read-only.
                    output[part] = Result { () throws(MLDataError) -> ClassifyRows in
                        do throws(MLDataError) {
                            return try parse(input, range: ranges[part], dense: denseCount, categories: categoryNames.count, path: path)
                        } catch {
                            // Parts count lines from their own start; report the line within the whole file.
                            throw error.shiftingLine(by: PointsFile.lineCount(input, ranges[0].lowerBound ..< ranges[part].lowerBound))
                        }
                    }
                }
            }
            var merged = ClassifyRows(categories: categoryNames.count)
            for part in parts {
                let rows = try part.get()
                merged.labels += rows.labels
                merged.dense += rows.dense
                for column in 0 ..< categoryNames.count { merged.categories[column] += rows.categories[column] }
            }
            var columns: [(String, Column)] = [("label", .numeric(merged.labels))]
            if denseCount > 0 {
                columns.append(("dense", .vector(try DenseVectorColumn(dimension: denseCount, values: merged.dense))))
            }
            for (column, name) in categoryNames.enumerated() { columns.append((name, .categorical(merged.categories[column]))) }
            return (try Table(columns), categoryNames)
        }
    }

    private struct ClassifyRows {
        var labels: [Double] = []
        var dense: [Double] = []
        var categories: [[String]]

        init(categories: Int) {
            self.categories = Array(repeating: [], count: categories)
        }
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, dense: Int, categories: Int,
                              path: String) throws(MLDataError) -> ClassifyRows {
        var rows = ClassifyRows(categories: categories)
        let fieldCount = 1 + dense + categories
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
                    guard field < fieldCount else { throw .wrongFieldCount(path: path, line: line, expected: fieldCount, found: field + 1) }
                    if field <= dense {
                        guard let value = CSVBytes.parseDouble(bytes, fieldStart, fieldEnd) else {
                            throw .badNumber(path: path, line: line, field: field)
                        }
                        if field == 0 { rows.labels.append(value) } else { rows.dense.append(value) }
                    } else {
                        rows.categories[field - 1 - dense].append(
                            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[fieldStart ..< fieldEnd]), as: UTF8.self))
                    }
                    field += 1
                    fieldStart = position + 1
                    if atEnd { break }
                }
                position += 1
            }
            if field != 0 && field != fieldCount {
                throw .wrongFieldCount(path: path, line: line, expected: fieldCount, found: field)
            }
            position += 1
        }
        return rows
    }
}
