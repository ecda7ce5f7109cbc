/// Everything that can go wrong while configuring, fitting, applying, saving or loading a
/// learning stage.
///
/// Each case names the offending parameter, column or file and its description says what
/// to change, so a caller can surface it to a person unchanged.
public enum LearningError: Error, Equatable, Sendable {
    /// A parameter value failed validation (`reason` says which values are accepted).
    case invalidParameter(name: String, value: String, reason: String)
    /// Saved or supplied parameters name a parameter the stage does not declare.
    case unknownParameter(name: String, stage: String)
    /// A column the stage reads is absent from the table or row.
    case missingColumn(name: String, available: [String])
    /// A column exists but holds the wrong kind of values.
    case columnTypeMismatch(column: String, expected: String, found: String)
    /// Two columns of one table have different lengths.
    case columnLengthMismatch(column: String, expected: Int, found: Int)
    /// A column name appears twice in one table.
    case duplicateColumn(name: String)
    /// A feature or label is NaN or infinite.
    case nonFiniteValue(column: String, row: Int)
    /// A vector has a different dimension from the one the stage was fitted on.
    case dimensionMismatch(column: String, expected: Int, found: Int)
    /// A sparse vector index is outside its dimension or not strictly increasing.
    case invalidSparseIndex(column: String, row: Int, index: Int, dimension: Int)
    /// The operation needs at least one row.
    case emptyTable(operation: String)
    /// The operation needs more rows than it was given (for example k-means with k > rows).
    case tooFewRows(operation: String, needed: Int, found: Int)
    /// A binary classifier was given labels of only one class.
    case singleClass(label: Double)
    /// A label is not 0 or 1.
    case invalidLabel(row: Int, value: Double)
    /// A categorical value was not seen while fitting and the stage is set to reject unknowns.
    case unknownCategory(column: String, value: String)
    /// The predictor has not been given a model yet.
    case noModelYet
    /// The optimiser produced a non-finite objective (usually extreme, unscaled features).
    case diverged(operation: String, iteration: Int)
    /// A save directory is missing, unreadable, or written by an incompatible version.
    case corruptSave(path: String, reason: String)
    /// A save directory was written by a newer format version than this build reads.
    case unsupportedFormatVersion(path: String, found: Int, supported: Int)
    /// A save directory names a stage type this build does not know.
    case unknownStageType(name: String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)
}

extension LearningError: CustomStringConvertible {
    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason):
            return "parameter '\(name)' = \(value) is invalid: \(reason)"
        case let .unknownParameter(name, stage):
            return "\(stage) has no parameter '\(name)'; check the spelling or the saved params.json"
        case let .missingColumn(name, available):
            return "column '\(name)' not found; available columns: \(available.joined(separator: ", "))"
        case let .columnTypeMismatch(column, expected, found):
            return "column '\(column)' holds \(found) values but \(expected) values are needed; add a stage that converts it"
        case let .columnLengthMismatch(column, expected, found):
            return "column '\(column)' has \(found) rows but the table has \(expected); all columns must be the same length"
        case let .duplicateColumn(name):
            return "column '\(name)' appears twice; rename one of them (check the stages' outputColumn)"
        case let .nonFiniteValue(column, row):
            return "column '\(column)' row \(row) is NaN or infinite; clean or impute the input first"
        case let .dimensionMismatch(column, expected, found):
            return "column '\(column)' has vectors of dimension \(found) but \(expected) is expected; use the same feature stages as at fit time"
        case let .invalidSparseIndex(column, row, index, dimension):
            return "column '\(column)' row \(row): sparse index \(index) is out of range 0..<\(dimension) or not increasing"
        case let .emptyTable(operation):
            return "\(operation) needs at least one row but the table is empty"
        case let .tooFewRows(operation, needed, found):
            return "\(operation) needs at least \(needed) rows but got \(found); lower k or supply more data"
        case let .singleClass(label):
            return "all labels are \(label); a binary classifier needs examples of both 0 and 1"
        case let .invalidLabel(row, value):
            return "label at row \(row) is \(value); binary labels must be 0 or 1"
        case let .unknownCategory(column, value):
            return "column '\(column)' has value '\(value)' that was not seen while fitting; set handleUnknown to \"ignore\" to encode it as all zeros"
        case .noModelYet:
            return "no model has been published yet; publish a fitted or loaded model before scoring"
        case let .diverged(operation, iteration):
            return "\(operation) diverged at iteration \(iteration); scale the features or add regularisation"
        case let .corruptSave(path, reason):
            return "saved stage at \(path) cannot be read: \(reason)"
        case let .unsupportedFormatVersion(path, found, supported):
            return "saved stage at \(path) has format version \(found) but this build reads up to \(supported); upgrade Portrait"
        case let .unknownStageType(name):
            return "unknown stage type '\(name)' in a save; it was written by a build with more stage types"
        case let .io(path, reason):
            return "cannot access \(path): \(reason)"
        }
    }
}
