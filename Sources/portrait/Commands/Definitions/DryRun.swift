import PortraitCore
import PortraitModels
import PortraitProcessor
import Redis

/// `--dry-run USER_ID`: what a candidate definition would give for one stored profile, computed
/// by the processor's own evaluator at the profile's clock, with nothing saved.
enum DryRun {
    static func report(_ trial: DefinitionTrial, userId: String, session: DefinitionSession) throws {
        let definitions = DefinitionSet(metrics: trial.metrics, tags: trial.tags, validator: try session.validator())
        for problem in definitions.problems { print("not computed: \(problem)") }
        let store = RedisProfileStore(connection: try RedisConnection(configuration: session.configuration.redis))
        guard var state = try store.state(userId) else {
            print("no stored profile for user \(userId)")
            return
        }
        // Scored by the active versions, as the processor would.
        let registry = ModelRegistry(connection: session.connection)
        let scorers = try registry.heads().compactMap { try registry.activeScorer($0.name) }
        let evaluator = ProfileEvaluator(definitions: definitions, models: scorers)
        evaluator.evaluate(&state)
        let name = trial.candidate.name
        if trial.candidate.kind == "metric" {
            print("metric.\(name) = \(state.metricValues[name]?.description ?? "null") for user \(userId)")
            print("(values build up from events seen after activation; history is not replayed by --dry-run)")
        } else {
            print("tag.\(name) = \(state.tags[name]?.description ?? "null") for user \(userId)")
            if let explanation = evaluator.explain(tag: name, state: state) { print(explanation.rendered()) }
        }
    }
}
