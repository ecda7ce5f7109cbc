import TagLang

/// Folds inputs into a profile and re-computes its metrics and tags: the processor's whole
/// per-user logic, with no I/O, so a batch recompute runs exactly the same code.
///
/// Time is the profile's own event-time clock (the newest event or timer it has seen), so
/// the result depends only on the inputs and the timers, never on when a processor ran.
public struct ProfileEvaluator: Sendable {
    public var definitions: DefinitionSet
    /// The model versions scoring profiles, one per model name (the processor sets them once
    /// per batch).
    public var models: [any ProfileScorer]

    /// Event times a profile accepts (1970–2200); inputs decode outside times as dead letters,
    /// and the evaluator ignores them, so window arithmetic never nears overflow.
    public static let supportedTimes: ClosedRange<Int64> = 0...7_258_118_400_000

    public init(definitions: DefinitionSet, models: [any ProfileScorer] = []) {
        self.definitions = definitions
        self.models = models.sorted { $0.name < $1.name }
    }

    /// Folds one input in (call ``evaluate(_:)`` after the inputs of a batch).
    /// Attribute changes do not move the clock: their time is when a row was committed, not
    /// when something happened, and a profile-table update must not expire behaviour windows.
    public func apply(_ input: ProfileInput, to state: inout ProfileState) {
        switch input {
        case .attributes(let change):
            for (name, value) in change.values {
                if value == .null { state.attributes.removeValue(forKey: name) } else { state.attributes[name] = value }
            }
        case .event(let event):
            guard Self.supportedTimes.contains(event.timestampMs) else { return }
            state.clockMs = max(state.clockMs, event.timestampMs)
            // The fields the filters read are looked up once per event, not once per filter.
            let eventFields = definitions.eventFieldSlots
            let frame = SlotFrame(count: eventFields.count + 1, nowMs: event.timestampMs)
            for (slot, name) in eventFields.enumerated() { frame.values[slot] = event.fields[name] ?? .null }
            let filters = definitions.metricFilters
            for (index, metric) in definitions.metrics.enumerated() where filters[index].evaluate(frame).isTrue {
                let value = metric.field.map { event.fields[$0] ?? .null } ?? .null
                if let index = state.metricStates.index(of: metric.stateKey) {
                    state.metricStates[position: index].add(value, at: event.timestampMs, metric: metric, nowMs: state.clockMs)
                } else {
                    var metricState = MetricState()
                    metricState.add(value, at: event.timestampMs, metric: metric, nowMs: state.clockMs)
                    if !metricState.isEmpty { state.metricStates[metric.stateKey] = metricState }
                }
            }
        }
    }

    /// A timer: moves the clock to `timeMs` (if later) before the next ``evaluate(_:)``.
    public func advance(_ state: inout ProfileState, to timeMs: Int64) {
        state.clockMs = max(state.clockMs, Self.clamped(timeMs))
    }

    /// Whether a timer at `timeMs` moves `state`'s clock (and so changes the state).
    public static func movesClock(of state: ProfileState, to timeMs: Int64) -> Bool {
        clamped(timeMs) > state.clockMs
    }

    private static func clamped(_ timeMs: Int64) -> Int64 {
        min(max(timeMs, supportedTimes.lowerBound), supportedTimes.upperBound)
    }

    /// Re-computes every metric, tag and model output at the profile's clock, drops what no
    /// active definition or model needs any more, and sets the next timer.
    ///
    /// Order: metrics, the tags that read no model, the models (from the fields just computed),
    /// then the tags that read a model. A model reading a tag that itself reads a model sees
    /// that tag's previous value (the alternative is a cycle).
    public func evaluate(_ state: inout ProfileState) {
        let now = state.clockMs
        var nextTimer: Int64? = nil
        func wake(at time: Int64?) {
            guard let time, time > now else { return }
            nextTimer = min(nextTimer ?? .max, time)
        }

        // Metric values and tags go into the slots the tags read (``ProfileSlots``); the
        // profile's tables are built from them in name order, without hashing or sorting.
        let slots = definitions.slots
        let frame = SlotFrame(count: slots.count, nowMs: now)
        // Metric states are expired in place; the table is rebuilt only when a state emptied
        // or belongs to no active metric any more (rare), not on every evaluation.
        var nullMetrics = false
        var keptStates = 0
        for (index, metric) in definitions.metrics.enumerated() {
            guard let position = state.metricStates.index(of: metric.stateKey) else {
                if metric.aggregation == .count || metric.aggregation == .sum || metric.aggregation == .distinct {
                    frame.values[slots.slot(ofMetric: index)] = .number(0)
                } else {
                    nullMetrics = true
                }
                continue
            }
            // In place: a copy of the state retained its arrays and released them again.
            let (value, isEmpty, expiry) = Self.expire(&state.metricStates[position: position], metric, at: now)
            frame.values[slots.slot(ofMetric: index)] = value
            nullMetrics = nullMetrics || value == .null
            if !isEmpty { keptStates += 1 }
            wake(at: expiry)
        }
        if keptStates != state.metricStates.count {
            state.metricStates = state.metricStates.filter { key, metricState in
                !metricState.isEmpty && definitions.metricStateKeys.contains(key)
            }
        }
        state.metricValues = Self.table(
            names: definitions.metricNames, hasNulls: nullMetrics,
            value: { frame.values[slots.slot(ofMetric: $0)] })

        for (name, slot) in slots.attributes { frame.values[slot] = state.attributes[name] ?? .null }
        let anyTagReadsModels = !definitions.modelReadingTags.isEmpty
        var nullTags = false
        func evaluateTags(readingModels: Bool) {
            if readingModels, !anyTagReadsModels { return }
            for (index, tag) in definitions.tags.enumerated() where !anyTagReadsModels || definitions.tagReadsModel[index] == readingModels {
                let value = definitions.tagPrograms[index].evaluate(frame)
                // A null is kept while evaluating: a model reading this tag sees it was computed.
                frame.values[slots.slot(ofTag: index)] = tag.kind == .boolean ? .bool(value.isTrue) : value
                nullTags = nullTags || (tag.kind != .boolean && value == .null)
            }
        }
        evaluateTags(readingModels: false)
        state.modelOutputs = score(state, frame: frame)
        for (field, slot) in slots.modelOutputs { frame.values[slot] = state.modelOutputs[field] ?? .null }
        evaluateTags(readingModels: true)
        let tagOrder = definitions.tagNameOrder
        state.tags = Self.table(
            names: definitions.sortedTagNames, hasNulls: nullTags,
            value: { frame.values[slots.slot(ofTag: tagOrder[$0])] })
        if definitions.anyTagDependsOnTime, now > .min {  // every tag ran, in one pass or the other
            let tick = definitions.timeTickMs
            wake(at: MetricState.floor(now, tick) + tick)
        }
        state.nextTimerMs = nextTimer
    }

    /// Expires `metricState` at `now`; returns its value, whether it emptied, and its next expiry.
    private static func expire(_ metricState: inout MetricState, _ metric: CompiledMetric, at now: Int64) -> (value: Value, isEmpty: Bool, expiry: Int64?) {
        let expiry = expireBuckets(&metricState, window: metric.window, now: now)
        return (metricState.value(metric.aggregation), metricState.isEmpty, expiry)
    }

    /// The table of `names` (in order) whose `value(i)` is the i-th name's; nulls are left
    /// out. Without nulls the table shares `names`.
    private static func table(names: [String], hasNulls: Bool, value: (Int) -> Value) -> NamedValues {
        let values = names.indices.map(value)
        guard hasNulls else { return NamedValues(sortedNames: names, values: values) }
        var table = NamedValues()
        table.reserveCapacity(names.count)
        for (name, value) in zip(names, values) where value != .null { _ = table.appendInOrder(name, value) }
        return table
    }

    /// Every model's output and version for `state` (metric values already computed), with the
    /// tags this evaluation computed so far (in `frame`). Scoring reads a handful of fields and does
    /// one small product per model, so it runs at every evaluation; the write only carries the
    /// fields that changed, so the hash changes exactly when a feature read or the version did.
    private func score(_ state: ProfileState, frame: SlotFrame) -> NamedValues {
        guard !models.isEmpty else { return [:] }
        var outputs = NamedValues()
        for model in models {
            var inputs: [String: String] = [:]
            for feature in model.features {
                if feature.hasPrefix("t."), let value = computedTag(String(feature.dropFirst(2)), frame: frame) {
                    inputs[feature] = value.storedText
                } else {
                    inputs[feature] = state.field(feature)
                }
            }
            let value = model.profileValue(fields: inputs)
            guard value != .null else { continue }
            outputs[model.outputField] = value
            outputs[model.versionField] = .number(Double(model.version))
        }
        return outputs
    }

    /// The value this evaluation gave tag `name` before the models scored (`nil`: not an
    /// active tag, or one that reads a model and is computed after them).
    private func computedTag(_ name: String, frame: SlotFrame) -> Value? {
        guard let index = definitions.tags.firstIndex(where: { $0.name == name }), !definitions.tagReadsModel[index] else { return nil }
        return frame.values[definitions.slots.slot(ofTag: index)]
    }

    /// Why a tag has its value for this profile (the tag must be active).
    public func explain(tag name: String, state: ProfileState) -> Explanation? {
        guard let tag = definitions.tags.first(where: { $0.name == name }) else { return nil }
        let context = ProfileContext(
            attributes: state.attributes, metrics: state.metricValues, tags: state.tags, models: state.modelOutputs, nowMs: state.clockMs)
        return tag.expression.explain(context)
    }
}
