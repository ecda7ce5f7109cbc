/// The optional idempotency key of a behaviour event (issue 17 item 4): a client may set
/// `event_id`; the API assigns one when absent and returns the ids in its 202, so a retry
/// after a 503 re-sends the same ids and the processor folds each id once per user.
public enum EventIdentity {
    /// The event's JSON field.
    public static let field = "event_id"
}
