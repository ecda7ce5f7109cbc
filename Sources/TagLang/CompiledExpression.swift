/// An expression parsed, type-checked and turned into a tree of closures once, so evaluating it
/// per event walks no syntax and re-parses nothing.
public struct CompiledExpression: Sendable {
    public let source: String
    public let expression: Expression
    public let type: ValueType
    /// Every name the expression reads: what must change for its value to change.
    public let references: Set<Reference>
    /// Whether the value can change with time alone (`now()`, `days_since(…)`), so timers
    /// must re-evaluate it.
    public let dependsOnTime: Bool
    private let evaluator: @Sendable (any EvaluationContext) -> Value

    /// Parses, checks against `schema`, and compiles `source`.
    public init(_ source: String, schema: TagLangSchema) throws(TagLangError) {
        self.source = source
        expression = try Parser.parse(source)
        type = try TypeChecker(schema: schema).check(expression)
        var references = Set<Reference>()
        var usesTime = false
        var nodes = 0
        Self.walk(expression) { node in
            nodes += 1
            if case .reference(let reference) = node { references.insert(reference) }
            if case .call(let name, _) = node, ["now", "days_since", "hours_since"].contains(name) { usesTime = true }
        }
        self.references = references
        dependsOnTime = usesTime
        try TagLangCancellation.check(at: expression.location)
        evaluator = Self.compile(expression)
        TagLangWorkCounter.record(nodes)
    }

    /// The expression's value for one profile.
    public func evaluate(_ context: some EvaluationContext) -> Value {
        evaluator(context)
    }

    /// For a boolean tag: `true` only when the expression is `true` (null counts as false).
    public func holds(_ context: some EvaluationContext) -> Bool {
        evaluator(context).isTrue
    }

    static func walk(_ expression: Expression, _ visit: (Expression.Node) -> Void) {
        visit(expression.node)
        switch expression.node {
        case .literal, .reference: break
        case .negate(let operand), .not(let operand): walk(operand, visit)
        case .binary(_, let left, let right): walk(left, visit); walk(right, visit)
        case .membership(let value, let items, _): walk(value, visit); items.forEach { walk($0, visit) }
        case .call(_, let arguments), .list(let arguments): arguments.forEach { walk($0, visit) }
        case .caseWhen(let branches, let otherwise):
            for branch in branches { walk(branch.condition, visit); walk(branch.value, visit) }
            if let otherwise { walk(otherwise, visit) }
        }
    }

    /// The same expression reading each reference from a slot of a ``SlotFrame``: `slot`
    /// gives the position of every reference (``references``), resolved here once, so a run
    /// reads arrays instead of looking names up.
    public func slotted(_ slot: (Reference) -> Int) -> SlottedExpression {
        SlottedExpression(evaluator: Self.compile(expression, read: { reference in
            let index = slot(reference)
            return { frame in frame.values[index] }
        }, now: { $0.nowMs }))
    }

    private static func compile(_ expression: Expression) -> @Sendable (any EvaluationContext) -> Value {
        compile(expression, read: { reference in { context in context.value(of: reference) } }, now: { $0.nowMs })
    }

    /// The closure tree of `expression` for contexts of type `Context`: `read` makes the reader
    /// of one reference, `now` reads the context's clock.
    private static func compile<Context>(
        _ expression: Expression,
        read: (Reference) -> @Sendable (Context) -> Value,
        now: @escaping @Sendable (Context) -> Int64
    ) -> @Sendable (Context) -> Value {
        func compile(_ expression: Expression) -> @Sendable (Context) -> Value {
            Self.compile(expression, read: read, now: now)
        }
        switch expression.node {
        case .literal(let value):
            return { _ in value }
        case .reference(let reference):
            return read(reference)
        case .negate(let operand):
            let inner = compile(operand)
            return { context in
                switch inner(context) {
                case .number(let value): .number(-value)
                case .duration(let value): .duration(-value)
                default: .null
                }
            }
        case .not(let operand):
            let inner = compile(operand)
            return { context in .bool(!inner(context).isTrue) }
        case .binary(.and, let left, let right):
            let lhs = compile(left), rhs = compile(right)
            return { context in .bool(lhs(context).isTrue && rhs(context).isTrue) }  // short-circuit
        case .binary(.or, let left, let right):
            let lhs = compile(left), rhs = compile(right)
            return { context in .bool(lhs(context).isTrue || rhs(context).isTrue) }
        case .binary(let op, let left, let right):
            let lhs = compile(left), rhs = compile(right)
            return { context in Operations.binary(op, lhs(context), rhs(context)) }
        case .membership(let value, let items, let negated):
            let tested = compile(value)
            let constants = items.compactMap { item -> Value? in if case .literal(let value) = item.node { value } else { nil } }
            if constants.count == items.count {
                let set = Set(constants)  // constant lists become one hash lookup
                return { context in .bool(set.contains(tested(context)) != negated) }
            }
            let compiled = items.map(compile)
            return { context in
                let candidate = tested(context)
                return .bool(compiled.contains { $0(context) == candidate } != negated)
            }
        case .call(let name, let arguments):
            let compiled = arguments.map(compile)
            return { context in Functions.call(name, compiled.map { $0(context) }, nowMs: now(context)) }
        case .caseWhen(let branches, let otherwise):
            let compiled = branches.map { (compile($0.condition), compile($0.value)) }
            let fallback = otherwise.map(compile)
            return { context in
                for (condition, value) in compiled where condition(context).isTrue { return value(context) }
                return fallback?(context) ?? .null
            }
        case .list(let items):
            let compiled = items.map(compile)
            return { context in .list(compiled.map { $0(context) }) }
        }
    }
}

/// What a slotted expression reads: values by position, laid out by whoever compiled it, and
/// the current time. One frame serves every expression of an evaluation (a tag's result goes
/// into its slot, where the tags after it read it). The slots are a fixed buffer, not an
/// array property, so reading one costs neither an exclusivity check nor a uniqueness check.
public final class SlotFrame {
    public let values: UnsafeMutableBufferPointer<Value>
    public let nowMs: Int64

    /// `count` slots, all null.
    public init(count: Int, nowMs: Int64) {
        values = .allocate(capacity: count)
        values.initialize(repeating: .null)
        self.nowMs = nowMs
    }

    deinit {
        values.deinitialize()
        values.deallocate()
    }
}

/// A ``CompiledExpression`` whose references were resolved to slots (``CompiledExpression/slotted(_:)``).
/// Positions are not checked when it runs: pass only frames of the layout it was compiled for
/// (at least as many slots as the largest position `slot` returned, plus one).
public struct SlottedExpression: Sendable {
    let evaluator: @Sendable (SlotFrame) -> Value

    /// The expression's value over `frame`.
    public func evaluate(_ frame: SlotFrame) -> Value {
        evaluator(frame)
    }
}
