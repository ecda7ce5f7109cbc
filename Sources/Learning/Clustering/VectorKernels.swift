/// Small numeric kernels shared by the clustering and linear models, written over raw
/// pointers so the hot loops carry no bounds checks or retain/release traffic.
enum VectorKernels {
    /// `Σ a[i]·b[i]` over `count` elements, with two-lane SIMD accumulators (SSE2 is the
    /// x86-64 baseline) to break the serial dependency of a scalar sum.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var acc0 = SIMD2<Double>(), acc1 = SIMD2<Double>()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + 4 <= count {
            let offset = index * 8
            acc0 += rawA.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                * rawB.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            acc1 += rawA.loadUnaligned(fromByteOffset: offset + 16, as: SIMD2<Double>.self)
                * rawB.loadUnaligned(fromByteOffset: offset + 16, as: SIMD2<Double>.self)
            index += 4
        }
        var sum = (acc0 + acc1).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    /// `Σ (a[i] − b[i])²`.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
        var acc0 = SIMD2<Double>(), acc1 = SIMD2<Double>()
        var index = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while index + 4 <= count {
            let offset = index * 8
            let d0 = rawA.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
                - rawB.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            let d1 = rawA.loadUnaligned(fromByteOffset: offset + 16, as: SIMD2<Double>.self)
                - rawB.loadUnaligned(fromByteOffset: offset + 16, as: SIMD2<Double>.self)
            acc0 += d0 * d0
            acc1 += d1 * d1
            index += 4
        }
        var sum = (acc0 + acc1).sum()
        while index < count {
            let difference = a[index] - b[index]
            sum += difference * difference
            index += 1
        }
        return sum
    }

    /// Scales each row of a row-major matrix to unit length; zero rows stay zero.
    static func normalizeRows(_ values: inout [Double], dimension: Int) {
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for row in 0 ..< buffer.count / dimension {
                let pointer = base + row * dimension
                let norm = dot(pointer, pointer, dimension).squareRoot()
                if norm > 0 {
                    for element in 0 ..< dimension { pointer[element] /= norm }
                }
            }
        }
    }
}
