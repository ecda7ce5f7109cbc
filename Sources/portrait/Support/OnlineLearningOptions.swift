import ArgumentParser
import Foundation
import PortraitModels

/// `portrait process --online-model …`: one model learned online by FTRL from the profiles this
/// processor writes, published to the registry every `--online-publish-every` (docs/MODELS.md).
struct OnlineLearningOptions: ParsableArguments {
    @Option(help: "Learn this model online (registered as logistic regression on first use).")
    var onlineModel: String?

    @Option(help: "Profile fields it reads, comma-separated (e.g. m.visits_7d,m.carts_7d).")
    var onlineFeatures: String?

    @Option(help: "The label at the due time: increase(<field>) (e.g. 'increase(m.purchases_total)'), t.<tag> or <field>>=<n>.")
    var onlineLabel: String?

    @Option(help: "Event time from an example's features to its label (e.g. 7d).")
    var onlineDelay = "7d"

    @Option(help: "A field that must be positive for a written profile to open an example (e.g. m.visits_1d). Default: every profile.")
    var onlineAnchor: String?

    @Option(help: "How often the weights are registered as a new version (e.g. 60s).")
    var onlinePublishEvery = "60s"

    @Option(help: "Register snapshots as `candidate`, or `active` (promoted at once, recorded as forced).")
    var onlinePublish = "candidate"

    @Option(help: "FTRL learning-rate scale alpha.")
    var onlineAlpha = 0.1

    @Option(help: "FTRL L1 strength.")
    var onlineL1 = 0.0

    @Option(help: "FTRL L2 strength.")
    var onlineL2 = 0.0

    /// The configuration, or `nil` without `--online-model`.
    func configuration() throws -> OnlineLearningConfiguration? {
        guard let onlineModel else { return nil }
        guard let features = onlineFeatures, let label = onlineLabel else {
            throw ValidationError("--online-model needs --online-features and --online-label")
        }
        let parsedLabel: OnlineLabel
        do { parsedLabel = try OnlineLabel(spec: label) } catch { throw ValidationError("--online-label: \(error)") }
        var configuration = OnlineLearningConfiguration(
            name: onlineModel, features: features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, label: parsedLabel)
        guard let delay = ProcessorSetup.milliseconds(onlineDelay) else { throw ValidationError("--online-delay must be like 7d or 12h") }
        guard let every = ProcessorSetup.milliseconds(onlinePublishEvery) else { throw ValidationError("--online-publish-every must be like 60s") }
        guard let publication = OnlineLearningConfiguration.Publication(rawValue: onlinePublish) else {
            throw ValidationError("--online-publish must be candidate or active")
        }
        configuration.delayMs = delay
        configuration.anchor = onlineAnchor
        configuration.publishEverySeconds = Double(every) / 1_000
        configuration.publication = publication
        configuration.alpha = onlineAlpha
        configuration.l1 = onlineL1
        configuration.l2 = onlineL2
        do { try configuration.validate() } catch { throw ValidationError("\(error)") }
        return configuration
    }
}
