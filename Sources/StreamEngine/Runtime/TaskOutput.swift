/// The end of a task's chain: post-operator transforms into the sink writers.
///
/// Errors from writers are remembered rather than thrown through the operator, so operators
/// stay non-throwing; the task checks ``failure`` after each batch and stops.
@usableFromInline
struct TaskOutput<Post: RecordTransform, MainWriter: SinkWriter, SideWriter: SinkWriter>: OperatorOutput
where MainWriter.Input == Post.Output {
    @usableFromInline typealias Element = Post.Input
    @usableFromInline typealias Side = SideWriter.Input

    @usableFromInline let post: Post
    @usableFromInline var main: MainWriter
    @usableFromInline var side: SideWriter
    @usableFromInline var written = 0
    @usableFromInline var sideWritten = 0
    @usableFromInline var failure: (any Error)?

    @inlinable
    init(post: Post, main: MainWriter, side: SideWriter) {
        self.post = post
        self.main = main
        self.side = side
    }

    @inlinable
    mutating func emit(_ element: Post.Input) {
        post.apply(element) { output in
            do {
                try main.write(output)
                written &+= 1
            } catch {
                if failure == nil { failure = error }
            }
        }
    }

    @inlinable
    mutating func emitSide(_ element: SideWriter.Input) {
        do {
            try side.write(element)
            sideWritten &+= 1
        } catch {
            if failure == nil { failure = error }
        }
    }

    /// Throws the first write error, if any.
    @inlinable
    func check() throws {
        if let failure { throw failure }
    }

    @inlinable
    mutating func flush() throws {
        try check()
        try main.flush()
        try side.flush()
    }

    @inlinable
    mutating func close() throws {
        try check()
        try main.close()
        try side.close()
    }
}
