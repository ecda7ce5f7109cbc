import Learning

/// Which rows train and which are held out, decided by a hash of the user id alone: the same
/// user lands on the same side in every run and on every machine (MurmurHash3, not Swift's
/// per-process-seeded `Hasher`), so two versions trained on the same profiles are measured on
/// the same held-out users.
struct TrainTestSplit: Sendable {
    let train: [Int]
    let test: [Int]

    /// `testPercent` of users (1–99) are held out.
    init(userIds: [String], testPercent: Int) {
        var train: [Int] = [], test: [Int] = []
        for (row, user) in userIds.enumerated() {
            if Int(MurmurHash3.hash32(user, seed: 0x5EED) % 100) < testPercent { test.append(row) } else { train.append(row) }
        }
        self.train = train
        self.test = test
    }
}
