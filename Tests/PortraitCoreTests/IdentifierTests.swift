import PortraitCore
import Testing

/// The one name rule (metric names and fields, tag, segment and job names).
@Suite struct IdentifierTests {
    @Test(arguments: ["a", "orders_30d", "a_1_b", "x" + String(repeating: "9", count: 127)])
    func accepts(_ name: String) {
        #expect(Identifier.isValid(name))
    }

    @Test(arguments: ["", "1a", "_a", "Orders", "a-b", "a.b", "a b", "café", ">Ðó…;<", "a\u{0}", "x" + String(repeating: "9", count: 128)])
    func refuses(_ name: String) {
        #expect(!Identifier.isValid(name))
    }

    @Test func aMetricFieldThatIsNoIdentifierIsRefusedNamingTheField() {
        let validator = DefinitionValidator()
        // count reads no field, so the field was stored unchecked before the rule.
        let metric = MetricDefinition(name: "odd", aggregation: .count, field: ">Ðó…;<", window: .lifetime)
        #expect(throws: DefinitionError(field: "field", message: "use lowercase letters, digits and '_', starting with a letter, at most 128 characters, got '>Ðó…;<'")) {
            try validator.validate(metric)
        }
    }

    @Test func definitionNamesFollowTheRule() {
        let validator = DefinitionValidator()
        #expect { try validator.validate(MetricDefinition(name: "Orders", aggregation: .count, window: .lifetime)) } throws: { error in
            (error as? DefinitionError)?.field == "name"
        }
        #expect { try validator.validate(TagDefinition(name: "vip-users", expression: "true"), metrics: [], tags: []) } throws: { error in
            (error as? DefinitionError)?.field == "name"
        }
    }
}
