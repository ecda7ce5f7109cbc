import Learning
import Testing

@Suite struct ParamTests {
    @Test func invalidValuesAreRejectedWithTheParameterName() throws {
        #expect(throws: LearningError.invalidParameter(name: "k", value: "0", reason: "must be between 1 and 1000000")) {
            try KMeans().with(KMeans.k, 0)
        }
        #expect(throws: LearningError.invalidParameter(name: "maxIterations", value: "0", reason: "must be at least 1")) {
            try KMeans().with(KMeans.maxIterations, 0)
        }
        #expect(throws: LearningError.invalidParameter(name: "elasticNetParam", value: "2", reason: "must be between 0.0 and 1.0")) {
            try LogisticRegression().with(LogisticRegression.elasticNetParam, 2)
        }
        #expect(throws: LearningError.invalidParameter(name: "regParam", value: "-1", reason: "must be a finite number of at least 0.0")) {
            try LogisticRegression().with(LogisticRegression.regParam, -1)
        }
        #expect(throws: LearningError.self) { try LogisticRegression().with(LogisticRegression.classWeights, [1]) }
        #expect(throws: LearningError.invalidParameter(name: "numFeaturesLog2", value: "31", reason: "must be between 1 and 30")) {
            try FeatureHasher().with(FeatureHasher.numFeaturesLog2, 31)
        }
        #expect(throws: LearningError.invalidParameter(name: "inputColumns", value: "[\"a\", \"a\"]", reason: "must not repeat a name")) {
            try OneHotEncoder().with(OneHotEncoder.inputColumns, ["a", "a"])
        }
        #expect(throws: LearningError.invalidParameter(name: "max", value: "0.0", reason: "must be greater than min (1.0)")) {
            let table = try Table([("features", .vector(DenseVectorColumn(rows: [[1.0], [2.0]])))])
            _ = try MinMaxScaler().with(MinMaxScaler.min, 1).with(MinMaxScaler.max, 0).fit(table)
        }
    }

    @Test func parametersReadAndWriteAsJSON() throws {
        var kmeans = KMeans()
        #expect(kmeans.get(KMeans.k) == 2)
        try kmeans.setParams(fromJSON: ["k": .number(5), "distance": .string("cosine"), "seed": .string("18446744073709551615")])
        #expect(kmeans.get(KMeans.k) == 5)
        #expect(kmeans.get(KMeans.distance) == .cosine)
        #expect(kmeans.get(KMeans.seed) == UInt64.max)
        #expect(kmeans.paramsJSON["maxIterations"] == .number(50))
        #expect(throws: LearningError.invalidParameter(name: "k", value: "\"five\"", reason: "expected a value like 2")) {
            try kmeans.setParams(fromJSON: ["k": .string("five")])
        }
        #expect(throws: LearningError.invalidParameter(name: "distance", value: "\"manhattan\"", reason: "expected a value like \"euclidean\"")) {
            try kmeans.setParams(fromJSON: ["distance": .string("manhattan")])
        }
        #expect(throws: LearningError.unknownParameter(name: "kk", stage: "KMeans")) { try kmeans.setParams(fromJSON: ["kk": .number(3)]) }
        // Every declared parameter has a unique name and a valid default.
        for stage in StageStore.stageTypes {
            let names = stage.declaredParams.map(\.name)
            #expect(Set(names).count == names.count, "\(stage.stageType)")
            for param in stage.declaredParams { try param.validateJSON(param.defaultJSON) }
        }
    }

    @Test func errorsDescribeWhatToDo() {
        let error = LearningError.invalidParameter(name: "k", value: "0", reason: "must be at least 1")
        #expect(error.description == "parameter 'k' = 0 is invalid: must be at least 1")
        #expect(LearningError.noModelYet.description.contains("publish"))
    }
}
