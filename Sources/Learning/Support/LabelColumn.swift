/// Reading and checking binary labels.
enum LabelColumn {
    /// The labels of `name`, checked to be 0 or 1 and to contain both classes.
    static func binary(_ table: Table, column name: String) throws(LearningError) -> [Double] {
        let labels = try table.numeric(name)
        var positives = 0
        for (row, label) in labels.enumerated() {
            if label == 1 {
                positives += 1
            } else if label != 0 {
                if !label.isFinite { throw .nonFiniteValue(column: name, row: row) }
                throw .invalidLabel(row: row, value: label)
            }
        }
        if positives == 0 { throw .singleClass(label: 0) }
        if positives == labels.count { throw .singleClass(label: 1) }
        return labels
    }
}
