import ArgumentParser

/// The one Portrait executable: every role and every admin task is a subcommand.
@main
struct Portrait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portrait",
        abstract: "Real-time user profiles and tags: CDC ingest, stream processing, API and admin.",
        discussion: "Configuration comes from config/portrait.yaml (or --config) and PORTRAIT_* environment variables; `portrait config` lists every key.",
        subcommands: [
            DemoCommand.self, IngestCommand.self, ProcessCommand.self, ServeCommand.self, ScheduleCommand.self, JobsCommand.self,
            RecomputeCommand.self, ArchiveCommand.self, TagsCommand.self, MetricsCommand.self, ModelsCommand.self, SegmentsCommand.self,
            KeysCommand.self, MigrateCommand.self, CheckCommand.self, ConfigCommand.self, KafkaMockCommand.self, BenchCommand.self,
        ]
    )
}
