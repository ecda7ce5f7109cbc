/// One user-behaviour event of the benchmark input
/// (`ts_ms,user_id,event_type,item_id,category,amount`).
///
/// Compact and trivially copyable: amounts are integer cents, types and categories are small
/// integers, so moving events between stages copies 40 bytes and retains nothing.
public struct UserEvent: Sendable, Hashable {
    /// Event time, epoch ms.
    public var timestamp: Int64
    /// The user.
    public var userID: Int64
    /// The interned event type.
    public var eventType: EventType
    /// The item.
    public var itemID: Int64
    /// Category number (`c07` → 7), or -1 if not of that form.
    public var category: Int32
    /// Amount in cents (exact).
    public var amountCents: Int64

    /// Creates an event.
    public init(timestamp: Int64, userID: Int64, eventType: EventType, itemID: Int64, category: Int32, amountCents: Int64) {
        self.timestamp = timestamp
        self.userID = userID
        self.eventType = eventType
        self.itemID = itemID
        self.category = category
        self.amountCents = amountCents
    }
}
