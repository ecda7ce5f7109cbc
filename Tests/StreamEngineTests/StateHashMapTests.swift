import StreamEngine
import Testing

@Suite struct StateHashMapTests {
    /// A key whose hash collides on purpose, so probe runs and backward-shift deletion are
    /// exercised.
    struct CollidingKey: StateHashable {
        var value: Int64
        var stateHash: UInt64 { UInt64(value % 4) }
    }

    @Test func matchesADictionaryUnderRandomInsertsAndRemovals() {
        let map = StateHashMap<CollidingKey, Int64>()
        var reference: [Int64: Int64] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 as Range<Int64> {
            let key = Int64.random(in: 0..<300, using: &generator)
            if Bool.random(using: &generator) {
                map.put(CollidingKey(value: key), step)
                reference[key] = step
            } else {
                #expect(map.removeValue(forKey: CollidingKey(value: key)) == reference.removeValue(forKey: key))
            }
        }
        let count = map.count
        #expect(count == reference.count)
        for key in 0..<300 as Range<Int64> {
            let value = map[CollidingKey(value: key)]
            #expect(value == reference[key])
        }
        var visited = 0
        map.forEach { key, value in
            #expect(reference[key.value] == value)
            visited += 1
        }
        #expect(visited == reference.count)
    }

    @Test func growsAndEditsValuesInPlace() {
        let map = StateHashMap<Int64, [Int64]>()
        for round in 0..<3 {
            for key in 0..<50_000 as Range<Int64> {
                map.withValue(forKey: key, default: { [] }) { $0.append(Int64(round)) }
            }
        }
        let count = map.count
        let last = map[49_999]
        #expect(count == 50_000)
        #expect(last == [0, 1, 2])
        let copy = map.copy()
        map.removeAll()
        let isEmpty = map.isEmpty
        let copied = copy[7]
        #expect(isEmpty)
        #expect(copied == [0, 1, 2])
    }

    @Test func timerQueueFiresAReRegisteredTimerOnce() {
        var queue = TimerQueue<Int64, VoidNamespace>()
        queue.register(100, key: 1, namespace: VoidNamespace())
        queue.register(100, key: 2, namespace: VoidNamespace())
        queue.delete(100, key: 1, namespace: VoidNamespace())
        queue.register(100, key: 1, namespace: VoidNamespace())
        #expect(queue.count == 2)
        var copy = queue
        copy.delete(100, key: 2, namespace: VoidNamespace())
        #expect(copy.count == 1)
        #expect(queue.count == 2)  // copy-on-write: the original keeps its timers
        let due = queue.popDue(atOrBefore: 100)
        #expect(due?.bucket.count == 2)
        var keys: [Int64] = []
        due?.bucket.forEach { keys.append($0.key) }
        #expect(keys.sorted() == [1, 2])
        #expect(queue.popDue(atOrBefore: .max) == nil)
    }
}
