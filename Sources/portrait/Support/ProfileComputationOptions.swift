import ArgumentParser
import PortraitProcessor

/// How profiles are computed: what `portrait process` and `portrait recompute` must agree on
/// for the stream and the recompute to give the same profiles.
struct ProfileComputationOptions: ParsableArguments {
    @Option(help: "Mapping of tables and topics to profiles (default: config/profiles.yaml).")
    var mapping: String?

    @Option(help: "How late an event may arrive before event time passes it (e.g. 5s).")
    var watermarkDelay = "5s"

    @Option(help: "Grid on which time-dependent tags are re-evaluated (e.g. 1h).")
    var timeTick = "1h"

    func processorOptions(brokers: String, topicPrefix: String) throws -> ProcessorOptions {
        var options = ProcessorOptions(bootstrapServers: brokers, mapping: try ProcessorSetup.loadMapping(path: mapping))
        options.topicPrefix = topicPrefix
        guard let delay = ProcessorSetup.milliseconds(watermarkDelay) else { throw ValidationError("--watermark-delay must be like 5s or 500ms") }
        guard let tick = ProcessorSetup.milliseconds(timeTick), tick > 0 else { throw ValidationError("--time-tick must be like 1h or 5m") }
        options.watermarkDelayMs = delay
        options.timeTickMs = tick
        return options
    }
}
