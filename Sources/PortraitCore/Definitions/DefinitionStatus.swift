/// Where a definition is in its life: drafts are stored but not computed, active ones are
/// computed by every processor, retired ones stop (their history stays).
public enum DefinitionStatus: String, Codable, Sendable, CaseIterable {
    case draft, active, retired
}
