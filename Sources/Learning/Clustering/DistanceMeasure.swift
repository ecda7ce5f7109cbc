/// How clustering measures distance between a point and a centre.
public enum DistanceMeasure: String, ParamValue, CaseIterable, Sendable {
    /// Straight-line distance; clusters minimise the sum of squared distances (SSE).
    case euclidean
    /// `1 − cos(angle)`; points and centres are compared by direction only (spherical k-means).
    case cosine
}
