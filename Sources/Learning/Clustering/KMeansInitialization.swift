/// How ``KMeans`` picks its starting centres.
public enum KMeansInitialization: String, ParamValue, CaseIterable, Sendable {
    /// k-means++ (Arthur & Vassilvitskii 2007) with greedy local trials: each new centre is
    /// the best of `2 + ln k` candidates drawn with probability proportional to the squared
    /// distance to the nearest chosen centre.
    case kMeansPlusPlus = "k-means++"
    /// k distinct rows chosen uniformly at random.
    case random
}
