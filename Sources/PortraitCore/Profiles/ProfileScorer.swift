import TagLang

/// One model version a processor scores profiles with (`PortraitModels`' `ModelScorer`
/// conforms). Declared here, in the pure core, because the processor cannot import the model
/// registry's module (which depends on the processor's key layout).
///
/// A scorer is a complete, immutable value: the processor takes the set of scorers once per
/// batch, so every profile written in a batch carries exactly one version of each model.
public protocol ProfileScorer: Sendable {
    /// The model name: the profile gets `model.<name>.<output>` and `model.<name>.version`.
    var name: String { get }
    var version: Int { get }
    /// `score` (a probability) or `cluster` (a centre's index).
    var output: String { get }
    /// The profile fields the model reads (`m.<metric>`, `a.<attribute>`, `t.<tag>`), in order.
    var features: [String] { get }
    /// The output for a profile whose feature fields hold `fields` (the text the profile hash
    /// holds; a missing feature is absent). `.null` when the model cannot score them.
    func profileValue(fields: [String: String]) -> Value
}

extension ProfileScorer {
    /// `model.<name>.<output>`: the field TagLang reads as `model.<name>.score|cluster`.
    public var outputField: String { "model.\(name).\(output)" }
    /// `model.<name>.version`: the version that wrote ``outputField``.
    public var versionField: String { "model.\(name).version" }
}
