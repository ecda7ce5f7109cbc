import PortraitCore

extension MetricDefinition {
    /// The check every change goes through, from the CLI or the API.
    public func validate(using validator: DefinitionValidator, store: DefinitionStore) throws {
        try validator.validate(self)
    }
}

extension TagDefinition {
    /// The check every change goes through, from the CLI or the API: against the metrics and
    /// tags stored now.
    public func validate(using validator: DefinitionValidator, store: DefinitionStore) throws {
        let metrics = try store.list(MetricDefinition.self).map(\.definition)
        let tags = try store.list(TagDefinition.self).map(\.definition)
        try validator.validate(self, metrics: metrics, tags: tags)
    }
}
