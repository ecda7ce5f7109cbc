/// Turns a result element into one CSV row.
public protocol CSVRowEncoder: Sendable {
    /// The element type.
    associatedtype Input

    /// Appends `element`'s fields and ends the row (``CSVLineWriter/endRow()``).
    func encode(_ element: Input, into writer: inout CSVLineWriter)
}
