/// A C pointer handed out of `MySQLConnection.withHandle`, whose result must be `Sendable`.
// @unchecked: the pointer never crosses threads; the reader that receives it is confined to
// its caller's thread and owns the pointee (freed in `next()` or `deinit`).
struct UnsafeSendablePointer<Pointee>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Pointee>
    init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}
