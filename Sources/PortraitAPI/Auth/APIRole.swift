/// What an API key may do. Each role includes the ones below it: an admin can do everything,
/// a collector can send events and read, a reader can only read.
public enum APIRole: String, Sendable, Codable, CaseIterable, Comparable {
    case reader, collector, admin

    private var rank: Int {
        switch self {
        case .reader: 0
        case .collector: 1
        case .admin: 2
        }
    }

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool { lhs.rank < rhs.rank }
}
