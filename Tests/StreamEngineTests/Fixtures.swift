import StreamEngine

/// A test event: who, when, how much.
struct Click: Sendable, Hashable {
    var user: Int64
    var time: Int64
    var value: Int64 = 1
}

/// A window result row used across tests.
struct WindowCount: Sendable, Hashable, Comparable {
    var user: Int64
    var start: Int64
    var end: Int64
    var count: Int64

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.user, lhs.start, lhs.end, lhs.count) < (rhs.user, rhs.start, rhs.end, rhs.count) }
}

func countOperator<A: WindowAssigner>(_ assigner: A, lateness: Int64 = 0, sideOutput: Bool = false)
    -> WindowOperator<Int64, A, EventTimeTrigger, Count<Click>, WindowCount> where A.W == TimeWindow {
    WindowOperator(assigner: assigner, trigger: EventTimeTrigger(), function: Count<Click>(),
                   configuration: WindowConfiguration(allowedLateness: lateness, emitLateElements: sideOutput)) { user, window, count in
        WindowCount(user: user, start: window.start, end: window.end, count: count)
    }
}

func sessionOperator(gap: Int64, lateness: Int64 = 0)
    -> MergingWindowOperator<Int64, EventTimeSessionWindows, EventTimeTrigger, Count<Click>, WindowCount> {
    MergingWindowOperator(assigner: EventTimeSessionWindows(gap: gap), trigger: EventTimeTrigger(), function: Count<Click>(),
                          configuration: WindowConfiguration(allowedLateness: lateness, emitLateElements: true)) { user, window, count in
        WindowCount(user: user, start: window.start, end: window.end, count: count)
    }
}
