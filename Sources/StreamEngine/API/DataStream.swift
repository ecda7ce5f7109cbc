/// A stream of elements before `keyBy`: a source plus a chain of stateless transforms.
///
/// Every method returns a new, more specific type, so the whole pipeline is one concrete
/// generic type that the compiler specialises end to end.
public struct DataStream<S: Source, Transform: RecordTransform>: Sendable where Transform.Input == S.Reader.Record {
    /// The element type.
    public typealias Element = Transform.Output

    let source: S
    let watermarks: WatermarkStrategy<S.Reader.Record>
    let transform: Transform

    init(source: S, watermarks: WatermarkStrategy<S.Reader.Record>, transform: Transform) {
        self.source = source
        self.watermarks = watermarks
        self.transform = transform
    }

    /// Applies `transform` to every element.
    public func map<Output>(_ transform: @escaping @Sendable (Element) -> Output) -> DataStream<S, MapTransform<Transform, Output>> {
        DataStream<S, MapTransform<Transform, Output>>(source: source, watermarks: watermarks, transform: MapTransform(self.transform, transform))
    }

    /// Keeps the elements for which `isIncluded` is true.
    public func filter(_ isIncluded: @escaping @Sendable (Element) -> Bool) -> DataStream<S, FilterTransform<Transform>> {
        DataStream<S, FilterTransform<Transform>>(source: source, watermarks: watermarks, transform: FilterTransform(transform, isIncluded))
    }

    /// Emits zero or more elements per element through the `emit` callback.
    public func flatMap<Output>(
        _ transform: @escaping @Sendable (Element, (Output) -> Void) -> Void
    ) -> DataStream<S, FlatMapTransform<Transform, Output>> {
        DataStream<S, FlatMapTransform<Transform, Output>>(source: source, watermarks: watermarks, transform: FlatMapTransform(self.transform, transform))
    }

    /// Partitions the stream by `key`; equal keys go to the same task and share keyed state.
    public func keyBy<Key: StateHashable & StateCodable & Sendable>(
        _ key: @escaping @Sendable (Element) -> Key
    ) -> KeyedStream<S, Transform, Key> {
        KeyedStream(upstream: self, keySelector: key)
    }
}
