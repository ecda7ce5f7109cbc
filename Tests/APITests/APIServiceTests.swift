import Testing

/// Every test that needs MariaDB, Redis (database 11) and a mock Kafka; one at a time, since
/// they share the scratch database. Tests are in the `APIServiceTests+*.swift` files.
@Suite("API against the real services (scripts/services up)", .serialized)
struct APIServiceTests {}
