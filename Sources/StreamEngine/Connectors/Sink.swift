/// A destination for a job's results; each task gets its own writer.
public protocol Sink: Sendable {
    /// The writer type; created on the task's thread.
    associatedtype Writer: SinkWriter

    /// Creates the writer of task `subtask` of `parallelism`.
    func createWriter(subtask: Int, parallelism: Int) throws -> Writer
}
