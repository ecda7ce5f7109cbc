import Foundation
import Learning
import Testing

@Suite struct KMeansTests {
    static let centres: [[Double]] = [[0, 0, 0], [10, 10, 0], [-10, 5, 8]]

    /// Matches each true centre to the nearest fitted centre and returns the largest gap.
    func worstCentreError(_ model: KMeansModel, _ truth: [[Double]]) -> Double {
        CentreDistance.worst(model, truth)
    }

    @Test func recoversSeparableBlobCentres() throws {
        let table = try SyntheticData.blobs(centres: Self.centres, perCentre: 300, spread: 0.5, seed: 7)
        let model = try KMeans().with(KMeans.k, 3).with(KMeans.seed, 42).fit(table)
        #expect(model.k == 3)
        // 300 points of spread 0.5: the mean's error is about 0.5/√300 ≈ 0.03 per axis.
        #expect(worstCentreError(model, Self.centres) < 0.15)
        #expect(model.iterations >= 1)
        #expect(abs(model.trainingCost - (try model.cost(table))) < 1e-6 * model.trainingCost)
        let sizes = model.clusterSizes.sorted()
        #expect(sizes == [300, 300, 300])
    }

    @Test func randomInitialisationAndSeedsAreDeterministic() throws {
        let table = try SyntheticData.blobs(centres: Self.centres, perCentre: 100, spread: 0.5, seed: 3)
        let kmeans = try KMeans().with(KMeans.k, 3).with(KMeans.initialization, .random).with(KMeans.seed, 9)
        let first = try kmeans.fit(table), second = try kmeans.fit(table)
        #expect(first.centres == second.centres)
    }

    @Test func predictsClusterAndDistance() throws {
        let table = try SyntheticData.blobs(centres: Self.centres, perCentre: 100, spread: 0.3, seed: 5)
        let model = try KMeans().with(KMeans.k, 3).fit(table)
        let (cluster, distance) = try model.predict([10, 10, 0])
        let centre = Array(model.centres[cluster])
        let expected = CentreDistance.euclidean(centre, [10, 10, 0])
        #expect(abs(distance - expected) < 1e-9)
        let scored = try model.transform(table)
        let row = try model.transform(table.row(at: 0))
        #expect(try row.number("prediction") == scored.numeric("prediction")[0])
        #expect(abs(try row.number("distance") - scored.numeric("distance")[0]) < 1e-12)
    }

    @Test func cosineDistanceGroupsByDirection() throws {
        // Two directions at different lengths: cosine k-means must split by direction only.
        var rows: [[Double]] = []
        for scale in stride(from: 1.0, through: 20.0, by: 1.0) {
            rows.append([scale, 0.05 * scale])
            rows.append([0.05 * scale, scale])
        }
        let table = try Table([("features", .vector(DenseVectorColumn(rows: rows)))])
        let model = try KMeans().with(KMeans.k, 2).with(KMeans.distance, .cosine).fit(table)
        let clusters = try model.transform(table).numeric("prediction")
        for index in stride(from: 0, to: rows.count, by: 2) {
            #expect(clusters[index] == clusters[0])
            #expect(clusters[index + 1] != clusters[0])
        }
        #expect(model.trainingCost < 0.01)
    }

    @Test func rejectsBadInput() throws {
        let kmeans = try KMeans().with(KMeans.k, 3)
        #expect(throws: LearningError.emptyTable(operation: "KMeans.fit")) {
            try kmeans.fit(Table([("features", .vector(DenseVectorColumn(dimension: 2, values: [])))]))
        }
        let two = try Table([("features", .vector(DenseVectorColumn(rows: [[1, 2], [3, 4]])))])
        #expect(throws: LearningError.tooFewRows(operation: "KMeans with k = 3", needed: 3, found: 2)) { try kmeans.fit(two) }
        let withNaN = try Table([("features", .vector(DenseVectorColumn(rows: [[1, 2], [3, .nan], [5, 6]])))])
        #expect(throws: LearningError.nonFiniteValue(column: "features", row: 1)) { try kmeans.fit(withNaN) }
        let categorical = try Table([("features", .categorical(["a", "b", "c"]))])
        #expect(throws: LearningError.self) { try kmeans.fit(categorical) }
        let model = try KMeans().with(KMeans.k, 2).fit(two)
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 2, found: 3)) { try model.predict([1, 2, 3]) }
        #expect(throws: LearningError.nonFiniteValue(column: "features", row: 0)) { try model.predict([.infinity, 2]) }
    }
}
