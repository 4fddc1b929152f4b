namespace Dashboard.Estimation.Turbofan;

/// <summary>Cross-fitting fold of a training unit, a fixed function of its data set name and unit number.</summary>
/// <remarks>
/// The fold is SplitMix64(FNV-1a(dataset) * 1,000,003 + unit) modulo the fold count, so it does not depend on the
/// order in which files are read, on the seed or on the machine. The trainer also stores the result for every
/// training unit in the model file, and estimates read that stored table.
/// </remarks>
public static class FoldAssignment
{
    public static int FoldOf(string dataset, int unit, int foldCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentOutOfRangeException.ThrowIfLessThan(foldCount, 2);

        var hash = 14695981039346656037UL;
        foreach (var character in dataset.ToUpperInvariant())
        {
            hash ^= character;
            hash *= 1099511628211UL;
        }

        var mixed = SplitMix64(unchecked((hash * 1_000_003UL) + (ulong)unit));
        return (int)(mixed % (ulong)foldCount);
    }

    private static ulong SplitMix64(ulong value)
    {
        unchecked
        {
            value += 0x9E3779B97F4A7C15UL;
            value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
            value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
            return value ^ (value >> 31);
        }
    }
}
