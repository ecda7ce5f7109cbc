/// Turns a parsed CSV row into a typed record.
public protocol CSVRecordDecoder: Sendable {
    /// The record type.
    associatedtype Record

    /// Fields every line must have; `nil` accepts any count.
    var expectedFieldCount: Int? { get }

    /// Decodes one row; throw to report the line as malformed.
    func decode(_ row: CSVRow) throws(CSVFieldError) -> Record
}
