import Foundation
import JSON
import PortraitAPI

/// A group portrait (`POST /v1/segments:portrait`'s document) as aligned text: tag shares,
/// attribute values and metric means, each segment beside the population.
struct PortraitTable {
    let portrait: JSONValue

    init(_ portrait: JSONValue) {
        self.portrait = portrait
    }

    var text: String {
        let size = portrait["size"]?.text ?? "0", population = portrait["population"]?.text ?? "0"
        var out = "segment:\t\(portrait["expression"]?.text ?? "")\nsize:\t\(size) of \(population) users\n"
        var rows: [[String]] = [["tag", "segment", "population"]]
        for tag in portrait["boolean_tags"]?.items ?? [] {
            rows.append([tag["tag"]?.text ?? "", Self.share(tag, "segment"), Self.share(tag, "population")])
        }
        for tag in portrait["enumerated_tags"]?.items ?? [] {
            for value in tag["values"]?.items ?? [] {
                rows.append(["\(tag["tag"]?.text ?? "")=\(value["value"]?.text ?? "")", Self.share(value, "segment"), Self.share(value, "population")])
            }
        }
        out += "\n" + Self.aligned(rows)
        let attributes = portrait["attributes"]
        let attributeRows = (attributes?["items"]?.items ?? []).flatMap { attribute in
            (attribute["values"]?.items ?? []).map { value in
                ["\(attribute["attribute"]?.text ?? "")=\(value["value"].flatMap { $0 == .null ? nil : $0.text } ?? "(none)")", value["segment_count"]?.text ?? "", value["population_count"]?.text ?? ""]
            }
        }
        if !attributeRows.isEmpty {
            let header = ["attribute", "segment (of \(attributes?["segment_sample_size"]?.text ?? "?"))", "population (of \(attributes?["population_sample_size"]?.text ?? "?"))"]
            out += "\n" + Self.aligned([header] + attributeRows)
        }
        let metricRows = (portrait["metrics"]?.items ?? []).map { metric in
            [metric["metric"]?.text ?? "", metric["segment_mean"]?.text ?? "", metric["population_mean"]?.text ?? ""]
        }
        if !metricRows.isEmpty { out += "\n" + Self.aligned([["metric", "segment mean", "population mean"]] + metricRows) }
        return out
    }

    /// `12 (30%)`.
    static func share(_ row: JSONValue, _ side: String) -> String {
        let count = row["\(side)_count"]?.text ?? "0"
        guard case .number(let share)? = row["\(side)_share"] else { return count }
        return "\(count) (\(String(format: "%.1f", share * 100))%)"
    }

    /// Columns padded to their widest cell, two spaces apart.
    static func aligned(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
