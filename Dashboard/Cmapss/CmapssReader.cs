using System.Globalization;
using System.IO.Compression;

namespace Dashboard.Cmapss;

/// <summary>
/// One cycle of a C-MAPSS unit: three operational settings and 21 sensor measurements.
/// </summary>
public sealed record CmapssCycle(int Cycle, double[] Settings, double[] Sensors);

/// <summary>
/// The cycles of one engine unit in cycle order. In a training file the last cycle is the failure.
/// </summary>
public sealed record CmapssUnit(int Unit, IReadOnlyList<CmapssCycle> Cycles);

/// <summary>
/// Reads NASA C-MAPSS text files, plain or gzip-compressed (<c>.gz</c>).
/// </summary>
public static class CmapssReader
{
    public const int SettingCount = 3;
    public const int SensorCount = 21;

    /// <summary>Sensor short names in file order (columns 6 to 26).</summary>
    public static readonly IReadOnlyList<string> SensorNames =
    [
        "T2", "T24", "T30", "T50", "P2", "P15", "P30", "Nf", "Nc", "epr", "Ps30",
        "phi", "NRf", "NRc", "BPR", "farB", "htBleed", "Nf_dmd", "PCNfR_dmd", "W31", "W32",
    ];

    public static readonly IReadOnlyList<string> SettingNames = ["setting1", "setting2", "setting3"];

    public static IReadOnlyList<CmapssUnit> ReadUnits(string path)
    {
        using var reader = OpenText(path);
        return ReadUnits(reader, path);
    }

    public static IReadOnlyList<CmapssUnit> ReadUnits(TextReader reader, string source)
    {
        var units = new List<CmapssUnit>();
        List<CmapssCycle>? cycles = null;
        var currentUnit = -1;
        var lineNumber = 0;

        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length != 2 + SettingCount + SensorCount)
            {
                throw new FormatException($"{source}:{lineNumber}: expected 26 space-separated fields, found {fields.Length}.");
            }

            var unit = ParseInt(fields[0], source, lineNumber);
            if (unit != currentUnit)
            {
                cycles = [];
                units.Add(new CmapssUnit(unit, cycles));
                currentUnit = unit;
            }

            var settings = new double[SettingCount];
            var sensors = new double[SensorCount];
            for (var i = 0; i < SettingCount; i++)
            {
                settings[i] = ParseDouble(fields[2 + i], source, lineNumber);
            }

            for (var i = 0; i < SensorCount; i++)
            {
                sensors[i] = ParseDouble(fields[2 + SettingCount + i], source, lineNumber);
            }

            cycles!.Add(new CmapssCycle(ParseInt(fields[1], source, lineNumber), settings, sensors));
        }

        return units;
    }

    /// <summary>Reads a RUL truth file: one integer per line, in unit order.</summary>
    public static IReadOnlyList<int> ReadTruth(string path)
    {
        using var reader = OpenText(path);
        var values = new List<int>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                values.Add(ParseInt(line.Trim(), path, lineNumber));
            }
        }

        return values;
    }

    public static TextReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream);
    }

    private static int ParseInt(string text, string source, int line) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{source}:{line}: '{text}' is not an integer.");

    private static double ParseDouble(string text, string source, int line) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{source}:{line}: '{text}' is not a number.");
}
