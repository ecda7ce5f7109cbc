/// A tag: a boolean or enumerated expression over attributes, metrics and model outputs.
public struct TagDefinition: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case boolean, enumerated }

    public var name: String
    /// Where the tag sits in the catalogue, `/`-separated (`commerce/loyalty`).
    public var categoryPath: String
    public var kind: Kind
    public var expression: String
    public var description: String?
    public var owner: String?
    public var status: DefinitionStatus

    public init(
        name: String, categoryPath: String = "", kind: Kind = .boolean, expression: String,
        description: String? = nil, owner: String? = nil, status: DefinitionStatus = .draft
    ) {
        self.name = name
        self.categoryPath = categoryPath
        self.kind = kind
        self.expression = expression
        self.description = description
        self.owner = owner
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, expression, description, owner, status
        case categoryPath = "category"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        categoryPath = try container.decodeIfPresent(String.self, forKey: .categoryPath) ?? ""
        kind = try container.decodeChoiceIfPresent(Kind.self, forKey: .kind) ?? .boolean
        expression = try container.decode(String.self, forKey: .expression)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        owner = try container.decodeIfPresent(String.self, forKey: .owner)
        status = try container.decodeChoiceIfPresent(DefinitionStatus.self, forKey: .status) ?? .draft
    }
}
