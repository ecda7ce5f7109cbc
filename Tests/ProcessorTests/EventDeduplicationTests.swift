import PortraitCore
import PortraitProcessor
import TagLang
import Testing

/// Issue 17 item 4 (processor side): an event_id is folded once per user, also after the state
/// went through Redis (encode/decode: a restart or a rebalance), within the documented window.
@Suite struct EventDeduplicationTests {
    private let decoder = InputDecoder(mapping: ProfileMapping(), topicPrefix: "portrait", eventFieldTypes: DefinitionValidator.standardEventFields)

    private func input(_ json: String) throws -> ProfileInput {
        guard case .input(let input) = decoder.decode(topic: "portrait.events", value: Array(json.utf8)) else {
            throw EventDeduplicationTestError.notAnInput(json)
        }
        return input
    }

    @Test func aRetriedEventIsDroppedAcrossARestart() throws {
        let event = try input(#"{"user_id":"u1","type":"view","ts":1000,"event_id":"e-1"}"#)
        var state = ProfileState(userId: "u1")
        #expect(EventDeduplication.admit(event, into: &state))
        #expect(!EventDeduplication.admit(event, into: &state), "the same id again")
        // The state as the next processor reads it from Redis.
        var restored = try ProfileStateCodec.decode(ProfileStateCodec.encode(state, keys: .empty), userId: "u1", keys: .empty)
        #expect(!EventDeduplication.admit(event, into: &restored), "still known after a restart")
        #expect(EventDeduplication.admit(try input(#"{"user_id":"u1","type":"view","ts":1000,"event_id":"e-2"}"#), into: &restored))
        // Events without an id (other producers, CDC rows) always pass.
        let anonymous = try input(#"{"user_id":"u1","type":"view","ts":1000}"#)
        #expect(EventDeduplication.admit(anonymous, into: &restored))
        #expect(EventDeduplication.admit(anonymous, into: &restored))
    }

    @Test func theWindowAndCapacityBoundWhatIsRemembered() throws {
        var state = ProfileState(userId: "u1")
        let old = try input(#"{"user_id":"u1","type":"view","ts":1000,"event_id":"old"}"#)
        #expect(EventDeduplication.admit(old, into: &state))
        let later = 1000 + RecentEventIds.windowMs + 1
        #expect(EventDeduplication.admit(try input(#"{"user_id":"u1","type":"view","ts":\#(later),"event_id":"new"}"#), into: &state))
        #expect(!state.recentEventIds.contains("old"), "past the window")
        for index in 0..<(RecentEventIds.capacity + 10) { state.recentEventIds.record("id\(index)", at: later + Int64(index)) }
        #expect(state.recentEventIds.entries.count == RecentEventIds.capacity)
        #expect(!state.recentEventIds.contains("id0"))
        #expect(state.recentEventIds.contains("id\(RecentEventIds.capacity + 9)"))
    }
}

enum EventDeduplicationTestError: Error { case notAnInput(String) }
