/// The options of `portrait bench ml`.
public struct MLBenchmarkOptions: Sendable {
    /// Algorithm to run.
    public var algo: MLAlgorithm
    /// Training file (`gen_ml.py blobs` for clustering, `classify` TRAIN for prediction).
    public var input: String
    /// Test file for prediction (`classify` TEST); required for lr and ftrl.
    public var test: String?
    /// Clusters for kmeans and streaming-kmeans. Default: 10.
    public var k: Int
    /// Iteration limit for kmeans (Lloyd iterations) and lr (optimiser iterations). Default: 50.
    public var maxIterations: Int
    /// Seed for initialisation. Default: 1.
    public var seed: UInt64

    /// Options with the documented defaults.
    public init(algo: MLAlgorithm, input: String, test: String? = nil, k: Int = 10, maxIterations: Int = 50, seed: UInt64 = 1) {
        self.algo = algo
        self.input = input
        self.test = test
        self.k = k
        self.maxIterations = maxIterations
        self.seed = seed
    }
}
