/// The algorithms `portrait bench ml` can run.
public enum MLAlgorithm: String, CaseIterable, Sendable {
    /// Batch k-means (``Learning/KMeans``).
    case kmeans
    /// Batch logistic regression on one-hot categoricals (``Learning/LogisticRegression``).
    case lr
    /// One online pass of FTRL-Proximal on hashed features (``Learning/FTRL``).
    case ftrl
    /// Mini-batch streaming k-means (``Learning/StreamingKMeans``).
    case streamingKMeans = "streaming-kmeans"

    /// Parses the command-line spelling ("kmeans", "lr", "ftrl", "streaming-kmeans").
    public init?(argument: String) {
        self.init(rawValue: argument)
    }
}
