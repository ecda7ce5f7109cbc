import Foundation
import HummingbirdTesting
import PortraitProcessor
import Testing
import Yams

/// `portrait segments …` (the built executable) against the same data as the API: every
/// answer must be the API's.
extension APIServiceTests {
    struct CommandOutput {
        var status: Int32
        var stdout: String
        var stderr: String

        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    static func portraitCommand(_ arguments: [String], env: APITestEnvironment) throws -> CommandOutput {
        let executable = APITestEnvironment.root.appendingPathComponent(".build/debug/portrait")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            Issue.record("\(executable.path) is missing: run `swift build` before `swift test`")
            return CommandOutput(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = APITestEnvironment.root
        let mysql = env.mysqlConfiguration, redis = env.redisConfiguration
        var environment = ProcessInfo.processInfo.environment
        environment["PORTRAIT_MYSQL_URL"] = "mysql://\(mysql.user):\(mysql.password)@\(mysql.host):\(mysql.port)/\(mysql.database ?? "")"
        environment["PORTRAIT_REDIS_URL"] = "redis://\(redis.host):\(redis.port)/\(redis.database)"
        environment["PORTRAIT_LOG_LEVEL"] = "warning"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandOutput(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The repository's profile mapping, which the command reads by default.
    static func repositoryMapping() throws -> ProfileMapping {
        let file = APITestEnvironment.root.appendingPathComponent("config/profiles.yaml").path
        return try ProfileMapping(document: try Yams.load(yaml: try String(contentsOfFile: file, encoding: .utf8)), file: file)
    }

    @Test func segmentsCommandAnswersAsTheAPIOnTheSameData() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 300)
        let expressions = ["tag.buyer and not tag.vip", #"tag.tier == "gold" or tag.vip"#, "not tag.buyer", "true", #"tag.tier in []"#]
        try await env.withClient(mapping: try Self.repositoryMapping()) { client in
            for expression in expressions {
                let body = "{\"expression\": \(Self.jsonString(expression))}"
                let (_, counted) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: body)
                let count = try Self.portraitCommand(["segments", "count", expression], env: env)
                #expect(count.status == 0, "\(count.stderr)")
                #expect(count.stdout == "\(counted["count"] as? Int ?? -1)\n", "\(expression)")

                // Every page of the API's export, in order, is what the command prints.
                var ids: [String] = []
                var cursor: Any = NSNull()
                repeat {
                    let page = "{\"expression\": \(Self.jsonString(expression)), \"limit\": 7, \"cursor\": \(cursor is NSNull ? "null" : Self.jsonString(cursor as? String ?? ""))}"
                    let (status, answer) = try await client.call(.post, "/v1/segments:export", auth: env.reader, body: page)
                    #expect(status == .ok)
                    ids += answer["user_ids"] as? [String] ?? []
                    cursor = answer["next_cursor"] ?? NSNull()
                } while !(cursor is NSNull)
                #expect(ids.count == counted["count"] as? Int)
                for pageSize in ["7", "10000"] {
                    let exported = try Self.portraitCommand(["segments", "export", expression, "--page-size", pageSize], env: env)
                    #expect(exported.status == 0, "\(exported.stderr)")
                    #expect(exported.stdout.split(separator: "\n").map(String.init) == ids, "\(expression), pages of \(pageSize)")
                }

                let (_, portrait) = try await client.call(.post, "/v1/segments:portrait", auth: env.reader, body: body)
                var fromAPI = portrait
                fromAPI["took_ms"] = nil
                let drawn = try Self.portraitCommand(["segments", "portrait", expression, "--json"], env: env)
                #expect(drawn.status == 0, "\(drawn.stderr)")
                #expect(NSDictionary(dictionary: fromAPI).isEqual(to: drawn.json as? [String: Any] ?? [:]), "\(expression)")
                let table = try Self.portraitCommand(["segments", "portrait", expression], env: env)
                #expect(table.stdout.contains("size:\t\(portrait["size"] as? Int ?? -1) of 300 users"), "\(table.stdout)")
            }

            // Saved segments: one saved by the command shows the same through both.
            let saved = try Self.portraitCommand(["segments", "save", "gold_or_vip", #"tag.tier == "gold" or tag.vip"#, "--description", "d"], env: env)
            #expect(saved.status == 0, "\(saved.stderr)")
            #expect(saved.stdout == "created segment gold_or_vip v1\n")
            #expect(try Self.portraitCommand(["segments", "save", "gold_or_vip", "tag.vip"], env: env).stdout == "updated segment gold_or_vip v2\n")
            #expect(try await client.call(.post, "/v1/segments/gold_or_vip/sizes", auth: env.admin).0 == .created)
            let (_, shown) = try await client.call(.get, "/v1/segments/gold_or_vip", auth: env.reader)
            let show = try Self.portraitCommand(["segments", "show", "gold_or_vip", "--json"], env: env)
            #expect(NSDictionary(dictionary: shown).isEqual(to: show.json as? [String: Any] ?? [:]), "\(show.stdout)")
            #expect((shown["versions"] as? [Any])?.count == 2)
            let (_, listed) = try await client.call(.get, "/v1/segments", auth: env.reader)
            let list = try Self.portraitCommand(["segments", "list", "--json"], env: env)
            #expect(NSDictionary(dictionary: listed).isEqual(to: list.json as? [String: Any] ?? [:]), "\(list.stdout)")
            #expect(try Self.portraitCommand(["segments", "list"], env: env).stdout.hasPrefix("gold_or_vip\tactive\tv2\tsize "))
        }

        // The same refusals as the API, naming the field (and where in the expression).
        let badName = try Self.portraitCommand(["segments", "save", "Gold-VIP", "tag.vip"], env: env)
        #expect(badName.status == 64)
        #expect(badName.stderr.contains("error: name: use lowercase letters, digits and '_'") && badName.stderr.contains("(name)"), "\(badName.stderr)")
        let badExpression = try Self.portraitCommand(["segments", "count", "tag.buyer and tag.ghost"], env: env)
        #expect(badExpression.status == 64)
        #expect(badExpression.stderr.contains("(expression, line 1, column 15)"), "\(badExpression.stderr)")
        let missing = try Self.portraitCommand(["segments", "show", "nothing_here"], env: env)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no segment named nothing_here\n")
    }
}
