import Hummingbird

/// An answer whose JSON was written straight to bytes (the same headers as `JSONValue.response()`).
enum JSONBytesResponse {
    static func ok(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
