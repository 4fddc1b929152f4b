namespace Dashboard.Estimation.Turbofan;

/// <summary>Principal components of the per-condition sensor z-scores of all training readings.</summary>
internal static class HealthComponents
{
    /// <summary>
    /// Returns the weights of the <paramref name="count"/> leading principal components, as unit vectors over the kept
    /// sensors. Each sign is chosen so that the largest weight is positive, which makes the result deterministic.
    /// </summary>
    public static IReadOnlyList<double[]> Fit(IReadOnlyList<TrainingUnit> units, OperatingConditions conditions, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        var sensorCount = conditions.SensorCount;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, sensorCount);
        var covariance = new double[sensorCount, sensorCount];
        var mean = new double[sensorCount];
        var row = new double[sensorCount];
        var readingCount = 0;
        foreach (var reading in units.SelectMany(u => u.Cycles))
        {
            conditions.Normalize(reading, row);
            readingCount++;
            for (var a = 0; a < sensorCount; a++)
            {
                mean[a] += row[a];
                for (var b = 0; b <= a; b++)
                {
                    covariance[a, b] += row[a] * row[b];
                }
            }
        }

        for (var a = 0; a < sensorCount; a++)
        {
            mean[a] /= readingCount;
        }

        for (var a = 0; a < sensorCount; a++)
        {
            for (var b = 0; b <= a; b++)
            {
                covariance[a, b] = (covariance[a, b] / readingCount) - (mean[a] * mean[b]);
                covariance[b, a] = covariance[a, b];
            }
        }

        var (eigenvalues, eigenvectors) = JacobiEigen(covariance);
        var order = Enumerable.Range(0, sensorCount).OrderByDescending(i => eigenvalues[i]).Take(count);
        var result = new List<double[]>();
        foreach (var column in order)
        {
            var weights = new double[sensorCount];
            for (var s = 0; s < sensorCount; s++)
            {
                weights[s] = eigenvectors[s, column];
            }

            var largest = weights.MaxBy(Math.Abs);
            if (largest < 0)
            {
                for (var s = 0; s < sensorCount; s++)
                {
                    weights[s] = -weights[s];
                }
            }

            result.Add(weights);
        }

        return result;
    }

    /// <summary>Returns eigenvalues and column eigenvectors of a symmetric matrix by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[,] Vectors) JacobiEigen(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            v[i, i] = 1.0;
        }

        for (var sweep = 0; sweep < 100; sweep++)
        {
            var offDiagonal = 0.0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    offDiagonal += a[p, q] * a[p, q];
                }
            }

            if (offDiagonal < 1e-22)
            {
                break;
            }

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                    {
                        continue;
                    }

                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    var c = 1 / Math.Sqrt((t * t) + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k, p];
                        var akq = a[k, q];
                        a[k, p] = (c * akp) - (s * akq);
                        a[k, q] = (s * akp) + (c * akq);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p, k];
                        var aqk = a[q, k];
                        a[p, k] = (c * apk) - (s * aqk);
                        a[q, k] = (s * apk) + (c * aqk);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = (c * vkp) - (s * vkq);
                        v[k, q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return (values, v);
    }
}
