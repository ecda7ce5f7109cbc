import PortraitCore
import TagLang

/// Drops an event whose `event_id` this user's profile has already folded (issue 17 item 4):
/// a client that retries after a 503 re-sends the same ids (the API assigns one when absent and
/// returns it), and a retry must not count twice. The ids live in the user's state
/// (`ProfileState.recentEventIds`), so they are stored in the same transaction as the profile
/// and survive restarts and rebalances; the window is `RecentEventIds`'s (7 days of event time,
/// 1,000 ids per user).
///
/// Hook: `ProfileProcessor` calls `admit` for each input right before folding it (marked
/// "issue 17 item 4 hook"). Inputs without an id — CDC rows, events from other producers — are
/// always admitted.
public enum EventDeduplication {
    /// Whether to fold `input`; records its id in `state` when it is new.
    public static func admit(_ input: ProfileInput, into state: inout ProfileState) -> Bool {
        guard case .event(let event) = input, case .string(let id)? = event.fields[EventIdentity.field] else { return true }
        guard !state.recentEventIds.contains(id) else { return false }
        state.recentEventIds.record(id, at: event.timestampMs)
        return true
    }
}
