import ArgumentParser
import Foundation
import Kafka
import MySQL
import PortraitConfig
import Redis

/// `portrait bench clients`: raw throughput of the Kafka, Redis and MySQL clients.
struct ClientsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Kafka produce+consume through the mock cluster, Redis pipelined HSET, MySQL streaming read.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Which clients: kafka, redis, mysql (repeatable; default all).")
    var only: [String] = []

    @Option(help: "Kafka messages (100 bytes each).")
    var kafkaMessages = 1_000_000

    @Option(help: "Redis HSET operations.")
    var redisOps = 1_000_000

    @Option(help: "Redis pipeline depth.")
    var pipeline = 32

    @Option(help: "MySQL rows to stream.")
    var mysqlRows = 1_000_000

    func run() throws {
        let configuration = try global.bootstrap()
        let selected = only.isEmpty ? ["kafka", "redis", "mysql"] : only
        if selected.contains("kafka") { try benchKafka() }
        if selected.contains("redis") { try benchRedis(configuration.redis) }
        if selected.contains("mysql") { try benchMySQL(configuration.mysql) }
    }

    private func benchKafka() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        let topic = "bench.clients"
        // The mock keeps only about 5 MB per partition (older batches are dropped), so spread
        // 1M × 100 B over enough partitions that nothing is lost before it is consumed.
        let partitions = max(4, kafkaMessages * 110 / 3_000_000 + 1)
        try cluster.createTopic(topic, partitions: partitions)
        let client = KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 100)
        let start = ContinuousClock.now
        for index in 0..<kafkaMessages {
            try producer.enqueue(topic: topic, key: Array(String(index % 10_000).utf8), value: payload)
        }
        try producer.flush(timeoutMs: 120_000)
        let produceSeconds = secondsSince(start)

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(client: client, groupId: "bench", sessionTimeoutMs: 6_000))
        try consumer.subscribe([topic])
        // The clock starts at the first message, so the group join (seconds) is not counted.
        var received = try waitForFirstBatch(consumer)
        let consumeStart = ContinuousClock.now
        var idlePolls = 0
        while received < kafkaMessages, idlePolls < 20 {
            let count = try consumer.poll(maxMessages: 10_000, timeoutMs: 250).count
            received += count
            idlePolls = count == 0 ? idlePolls + 1 : 0
        }
        let consumeSeconds = secondsSince(consumeStart)
        consumer.close()
        printBenchmarkLine([
            ("bench", "kafka_mock"), ("messages", kafkaMessages), ("message_bytes", 100), ("partitions", partitions),
            ("received", received),
            ("produce_msgs_per_s", Double(kafkaMessages) / produceSeconds),
            ("consume_msgs_per_s", Double(received) / consumeSeconds),
            ("peak_rss_mb", peakResidentMegabytes()),
        ])
    }

    private func waitForFirstBatch(_ consumer: KafkaConsumer) throws -> Int {
        for _ in 0..<120 {
            let count = try consumer.poll(maxMessages: 10_000, timeoutMs: 250).count
            if count > 0 { return count }
        }
        throw ValidationError("no message arrived within 30 s of joining the group")
    }

    private func benchRedis(_ redisConfiguration: RedisConfiguration) throws {
        let connection = try RedisConnection(configuration: redisConfiguration)
        let key = "bench:clients:hset"
        try connection.command("DEL", key)
        let start = ContinuousClock.now
        var sent = 0
        while sent < redisOps {
            let batch = min(pipeline, redisOps - sent)
            let replies = try connection.pipeline { pipe in
                for offset in 0..<batch { pipe.append("HSET", key, "f\((sent + offset) % 100_000)", "value") }
            }
            if case .error(let message) = replies.first { throw RedisError.server(message) }
            sent += batch
        }
        let seconds = secondsSince(start)
        try connection.command("DEL", key)
        printBenchmarkLine([
            ("bench", "redis_hset_pipelined"), ("ops", redisOps), ("pipeline", pipeline),
            ("ops_per_s", Double(redisOps) / seconds), ("peak_rss_mb", peakResidentMegabytes()),
        ])
    }

    private func benchMySQL(_ mysqlConfiguration: MySQLConfiguration) throws {
        let connection = try MySQLConnection(configuration: mysqlConfiguration)
        try connection.executeText("DROP TABLE IF EXISTS bench_stream_rows")
        try connection.executeText("""
            CREATE TABLE bench_stream_rows (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, name VARCHAR(64) NOT NULL,
              amount DECIMAL(12,2) NOT NULL, created_at DATETIME(3) NOT NULL) ENGINE=InnoDB
            """)
        var inserted = 0
        while inserted < mysqlRows {
            let batch = min(100_000, mysqlRows - inserted)
            try connection.execute("""
                INSERT INTO bench_stream_rows SELECT seq + ?, seq % 50000, CONCAT('user-', seq), seq / 100, NOW(3)
                FROM seq_1_to_100000 WHERE seq <= ?
                """, [.int(Int64(inserted)), .int(Int64(batch))])
            inserted += batch
        }
        let start = ContinuousClock.now
        var rows = 0
        var checksum: Int64 = 0
        try connection.stream("SELECT id, user_id, name, amount, created_at FROM bench_stream_rows") { row in
            rows += 1
            if case .int(let id) = row.values[0] { checksum &+= id }
        }
        let seconds = secondsSince(start)
        try connection.executeText("DROP TABLE bench_stream_rows")
        printBenchmarkLine([
            ("bench", "mysql_stream_read"), ("rows", rows), ("columns", 5),
            ("rows_per_s", Double(rows) / seconds), ("checksum", Int(checksum)), ("peak_rss_mb", peakResidentMegabytes()),
        ])
    }
}
