import Foundation
import Learning
import Testing

@Suite struct FeatureStageTests {
    @Test func murmurHashMatchesReferenceVectors() {
        #expect(MurmurHash3.hash32("") == 0)
        #expect(MurmurHash3.hash32("", seed: 1) == 0x514E_28B7)
        #expect(MurmurHash3.hash32("hello") == 0x248B_FA47)
        #expect(MurmurHash3.hash32("The quick brown fox jumps over the lazy dog") == 0x2E4F_F723)
    }

    @Test func scalersStandardiseAndRescale() throws {
        let table = try Table([("features", .vector(DenseVectorColumn(rows: [[1, 10], [2, 10], [3, 10]])))])
        let standard = try StandardScaler().fit(table)
        let scaled = try standard.transform(table).vector("scaledFeatures")
        let s = (2.0 / 3).squareRoot()
        #expect(Array(scaled[0]).map { ($0 * 1e9).rounded() } == [(-1 / s * 1e9).rounded(), 0])
        let ranged = try MinMaxScaler().with(MinMaxScaler.min, -1).fit(table).transform(table).vector("scaledFeatures")
        #expect(ranged.values == [-1, 0, 0, 0, 1, 0])
        let row = try standard.transform(table.row(at: 2))
        #expect(row["scaledFeatures"] == .vector(Array(scaled[2])))
        #expect(throws: LearningError.columnTypeMismatch(column: "features", expected: "dense vector", found: "categorical")) {
            try StandardScaler().fit(Table([("features", .categorical(["a"]))]))
        }
    }

    @Test func oneHotEncoderHandlesUnknownCategories() throws {
        let table = try Table([("colour", .categorical(["red", "blue", "red"])), ("size", .categorical(["s", "m", "l"]))])
        let encoder = try OneHotEncoder().with(OneHotEncoder.inputColumns, ["colour", "size"])
        let model = try encoder.fit(table)
        #expect(model.dimension == 5)
        let encoded = try model.transform(table).column("categoryVector")
        guard case let .sparse(column) = encoded else { Issue.record("expected sparse"); return }
        // Vocabularies are sorted: colour [blue, red], size [l, m, s] at offset 2.
        #expect(column[0].indices == [1, 4])
        #expect(column[1].indices == [0, 3])
        let unseen = Row([("colour", .category("green")), ("size", .category("s"))])
        #expect(throws: LearningError.unknownCategory(column: "colour", value: "green")) { try model.transform(unseen) }
        let lenient = try encoder.with(OneHotEncoder.handleUnknown, .ignore).fit(table)
        #expect(try lenient.transform(unseen)["categoryVector"] == .sparse(SparseVector(dimension: 5, indices: [4], values: [1])))
    }

    @Test func featureHasherIsStableAndSigned() throws {
        let table = try Table([("city", .categorical(["paris", "tokyo", "paris"])), ("age", .numeric([30, 40, 50]))])
        let hasher = try FeatureHasher().with(FeatureHasher.inputColumns, ["city", "age"]).with(FeatureHasher.numFeaturesLog2, 10)
        let hashed = try hasher.transform(table)
        guard case let .sparse(column) = try hashed.column("hashedFeatures") else { Issue.record("expected sparse"); return }
        #expect(column.dimension == 1024)
        #expect(column[0] == (try SparseVector(dimension: 1024, summing: [
            (hasher.slot(of: "paris", inColumn: "city").index, hasher.slot(of: "paris", inColumn: "city").sign),
            (hasher.slot(of: "age", inColumn: "").index, 30 * hasher.slot(of: "age", inColumn: "").sign),
        ])))
        #expect(column[0].indices == column[2].indices)
        // Row and table paths agree.
        #expect(try hasher.transform(table.row(at: 1))["hashedFeatures"] == .sparse(column[1]))
        #expect(throws: LearningError.nonFiniteValue(column: "age", row: 0)) {
            try hasher.transform(Table([("city", .categorical(["x"])), ("age", .numeric([.nan]))]))
        }
    }

    @Test func vectorAssemblerConcatenatesDenseAndSparse() throws {
        let table = try Table([
            ("a", .numeric([1, 2])),
            ("b", .vector(DenseVectorColumn(rows: [[3, 4], [5, 6]]))),
        ])
        let dense = try VectorAssembler().with(VectorAssembler.inputColumns, ["a", "b"]).transform(table).vector("assembled")
        #expect(dense.values == [1, 3, 4, 2, 5, 6])
        var sparseColumn = SparseVectorColumn(dimension: 3)
        try sparseColumn.append(SparseVector(dimension: 3, indices: [2], values: [7]))
        try sparseColumn.append(SparseVector(dimension: 3, indices: [], values: []))
        let withSparse = try table.adding("s", .sparse(sparseColumn))
        let assembled = try VectorAssembler().with(VectorAssembler.inputColumns, ["a", "s", "b"]).transform(withSparse)
        guard case let .sparse(column) = try assembled.column("assembled") else { Issue.record("expected sparse"); return }
        #expect(column[0].dense == [1, 0, 0, 7, 3, 4])
        #expect(column[1].dense == [2, 0, 0, 0, 5, 6])
    }

    @Test func tablesCheckTheirShape() throws {
        #expect(throws: LearningError.columnLengthMismatch(column: "b", expected: 2, found: 1)) {
            try Table([("a", .numeric([1, 2])), ("b", .numeric([1]))])
        }
        #expect(throws: LearningError.duplicateColumn(name: "a")) { try Table([("a", .numeric([1])), ("a", .numeric([2]))]) }
        #expect(throws: LearningError.self) { try DenseVectorColumn(dimension: 2, values: [1, 2, 3]) }
        #expect(throws: LearningError.invalidSparseIndex(column: "<sparse>", row: 0, index: 1, dimension: 4)) {
            try SparseVector(dimension: 4, indices: [2, 1], values: [1, 1])
        }
    }
}
