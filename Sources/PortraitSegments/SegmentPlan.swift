import PortraitCore
import TagLang

/// A segment expression reduced to bitmap operations: leaves are tag bitmaps (a boolean tag's
/// `true`, or one value of an enumerated tag), combined with AND, OR and NOT.
package indirect enum SegmentPlan: Sendable, Equatable {
    case bitmap(tag: String, value: String?)
    case and(SegmentPlan, SegmentPlan)
    case or(SegmentPlan, SegmentPlan)
    case not(SegmentPlan)
    /// No user (`tag.x in []`, `false`).
    case nothing
    /// Every user with a profile (`true`).
    case population

    /// Compiles `text`: `true` (everyone), `tag.X` (boolean), `tag.X == "v"`, `tag.X != "v"`, `tag.X in [...]`,
    /// `tag.X not in [...]`, `and`, `or`, `not` and parentheses. `kinds` are the active tags.
    package init(parsing text: String, kinds: [String: TagDefinition.Kind]) throws(TagLangError) {
        self = try Self.compile(try Parser.parse(text), kinds: kinds)
    }

    private static func compile(_ expression: Expression, kinds: [String: TagDefinition.Kind]) throws(TagLangError) -> SegmentPlan {
        switch expression.node {
        case .binary(.and, let left, let right): return .and(try compile(left, kinds: kinds), try compile(right, kinds: kinds))
        case .binary(.or, let left, let right): return .or(try compile(left, kinds: kinds), try compile(right, kinds: kinds))
        case .not(let operand): return .not(try compile(operand, kinds: kinds))
        case .literal(.bool(let flag)): return flag ? .population : .nothing
        case .reference(.tag(let name)):
            guard try kind(of: name, at: expression, kinds: kinds) == .boolean else {
                throw TagLangError(.type, at: expression.location, "tag.\(name) is enumerated: compare it, e.g. tag.\(name) == \"value\" or tag.\(name) in [\"a\", \"b\"]")
            }
            return .bitmap(tag: name, value: nil)
        case .binary(let op, let left, let right) where op == .equal || op == .notEqual:
            let (name, tagExpression, literal) = try comparison(left, right)
            let plan = try equality(name, literal, at: tagExpression, kinds: kinds)
            return op == .equal ? plan : .not(plan)
        case .membership(let tested, let items, let negated):
            guard case .reference(.tag(let name)) = tested.node else { throw unsupported(tested) }
            var leaves: [SegmentPlan] = []
            leaves.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                try TagLangCancellation.check(step: index, at: item.location)
                guard case .literal(let value) = item.node else { throw unsupported(item) }
                leaves.append(try equality(name, value, at: item, kinds: kinds))
            }
            if items.isEmpty { _ = try kind(of: name, at: tested, kinds: kinds) }
            let plan = anyOf(leaves[...])
            return negated ? .not(plan) : plan
        default:
            throw unsupported(expression)
        }
    }

    /// The OR of `leaves` as a balanced tree: a 5,000-item list nests 13 levels, not 5,000, so
    /// emitting the bitmap commands recurses no deeper than any other expression.
    package static func anyOf(_ leaves: ArraySlice<SegmentPlan>) -> SegmentPlan {
        switch leaves.count {
        case 0: return .nothing
        case 1: return leaves[leaves.startIndex]
        default:
            let middle = leaves.startIndex + leaves.count / 2
            return .or(anyOf(leaves[..<middle]), anyOf(leaves[middle...]))
        }
    }

    /// The levels of the plan's tree (a leaf is 1).
    package var depth: Int {
        switch self {
        case .bitmap, .nothing, .population: 1
        case .not(let inner): 1 + inner.depth
        case .and(let left, let right), .or(let left, let right): 1 + max(left.depth, right.depth)
        }
    }

    /// `tag.X == literal` or `literal == tag.X`.
    private static func comparison(_ left: Expression, _ right: Expression) throws(TagLangError) -> (String, Expression, Value) {
        if case .reference(.tag(let name)) = left.node, case .literal(let value) = right.node { return (name, left, value) }
        if case .reference(.tag(let name)) = right.node, case .literal(let value) = left.node { return (name, right, value) }
        throw unsupported(left)
    }

    /// The bitmap of `tag.name == value`: a string for enumerated tags, `true`/`false` for boolean ones.
    private static func equality(_ name: String, _ value: Value, at expression: Expression, kinds: [String: TagDefinition.Kind]) throws(TagLangError) -> SegmentPlan {
        switch (try kind(of: name, at: expression, kinds: kinds), value) {
        case (.enumerated, .string(let text)): return .bitmap(tag: name, value: text)
        case (.boolean, .bool(let flag)): return flag ? .bitmap(tag: name, value: nil) : .not(.bitmap(tag: name, value: nil))
        case (.enumerated, _): throw TagLangError(.type, at: expression.location, "tag.\(name) is enumerated: compare it with strings")
        case (.boolean, _): throw TagLangError(.type, at: expression.location, "tag.\(name) is boolean: compare it with true or false, or use it alone")
        }
    }

    private static func kind(of name: String, at expression: Expression, kinds: [String: TagDefinition.Kind]) throws(TagLangError) -> TagDefinition.Kind {
        guard let kind = kinds[name] else {
            throw TagLangError(.type, at: expression.location, "unknown tag '\(name)': segments read active tags only")
        }
        return kind
    }

    private static func unsupported(_ expression: Expression) -> TagLangError {
        TagLangError(.type, at: expression.location, "segments combine tags only: tag.x, tag.x == \"v\", tag.x in [\"a\", \"b\"], and, or, not")
    }
}
