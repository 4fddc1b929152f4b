using Dashboard.Estimation.Turbofan;

namespace Dashboard.Tests.Estimation.Turbofan;

/// <summary>Locations of the C-MAPSS files and the shipped model used by the tests.</summary>
internal static class TestData
{
    private static readonly Lazy<TurbofanRulModel> ShippedModel = new(() => TurbofanRulModel.Load(ModelPath));

    /// <summary>
    /// Folder with the C-MAPSS files: the CMAPSS_DATA_DIR environment variable, or else the compressed copies
    /// that the app ships and the build copies next to the test binaries.
    /// </summary>
    public static string DataDirectory { get; } = FindDataDirectory();

    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "Estimation", "Models", "cmapss-lightgbm-v1.zip");

    public static TurbofanRulModel Model => ShippedModel.Value;

    /// <summary>Returns the path of a C-MAPSS file such as "test_FD001", plain or with .gz.</summary>
    public static string FileOf(string name)
    {
        var plain = Path.Combine(DataDirectory, name + ".txt");
        if (File.Exists(plain))
        {
            return plain;
        }

        var compressed = plain + ".gz";
        return File.Exists(compressed) ? compressed : throw new FileNotFoundException($"C-MAPSS file not found: {plain} or {compressed}");
    }

    private static string FindDataDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("CMAPSS_DATA_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "Datasets", "cmapss");
        return Directory.Exists(shipped)
            ? shipped
            : throw new DirectoryNotFoundException($"C-MAPSS data folder {shipped} not found. Set CMAPSS_DATA_DIR to the folder with train_FD001.txt.");
    }
}
