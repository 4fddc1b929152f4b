using System.Globalization;
using System.IO.Compression;

namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// One engine cycle of a C-MAPSS unit: the cycle number, the 3 operational settings and the 21 sensor
/// measurements, in the column order of the NASA files.
/// </summary>
public sealed class CycleReading
{
    public const int SettingCount = 3;
    public const int SensorCount = 21;

    /// <summary>Creates a reading and copies both arrays, so later changes by the caller do not affect it.</summary>
    public CycleReading(int cycle, ReadOnlySpan<double> settings, ReadOnlySpan<double> sensors)
    {
        if (settings.Length != SettingCount)
        {
            throw new ArgumentException($"Expected {SettingCount} operational settings but got {settings.Length}.", nameof(settings));
        }

        if (sensors.Length != SensorCount)
        {
            throw new ArgumentException($"Expected {SensorCount} sensor values but got {sensors.Length}.", nameof(sensors));
        }

        Cycle = cycle;
        SettingValues = settings.ToArray();
        SensorValues = sensors.ToArray();
    }

    /// <summary>Cycle number, starting at 1 for a unit whose history is complete.</summary>
    public int Cycle { get; }

    /// <summary>Operational settings 1 to 3, in the column order of the NASA files.</summary>
    public IReadOnlyList<double> Settings => SettingValues;

    /// <summary>Sensor measurements 1 to 21. Index 0 is sensor 1.</summary>
    public IReadOnlyList<double> Sensors => SensorValues;

    internal double[] SettingValues { get; }

    internal double[] SensorValues { get; }
}

/// <summary>History of one C-MAPSS unit, sorted by cycle.</summary>
public sealed record CmapssUnit(int UnitNumber, IReadOnlyList<CycleReading> Cycles);

/// <summary>
/// Reads the NASA C-MAPSS text files (train_FD00x, test_FD00x and RUL_FD00x), plain or gzip-compressed.
/// </summary>
/// <remarks>
/// Data rows have 26 whitespace-separated fields: unit, cycle, 3 settings, 21 sensors. The NASA files end every
/// line with trailing spaces, so empty fields are dropped. Gzip is detected from the first two bytes
/// (0x1F 0x8B), not from the file name.
/// </remarks>
public static class CmapssReader
{
    private const int FieldCount = 2 + CycleReading.SettingCount + CycleReading.SensorCount;

    /// <summary>
    /// Short names of sensors 1 to 21 as the C-MAPSS literature uses them; the replay publishes the sensors
    /// under these metric names, and the turbofan estimator reads them back.
    /// </summary>
    public static readonly IReadOnlyList<string> SensorNames =
    [
        "T2", "T24", "T30", "T50", "P2", "P15", "P30", "Nf", "Nc", "epr", "Ps30",
        "phi", "NRf", "NRc", "BPR", "farB", "htBleed", "Nf_dmd", "PCNfR_dmd", "W31", "W32",
    ];

    /// <summary>Metric names of operational settings 1 to 3.</summary>
    public static readonly IReadOnlyList<string> SettingNames = ["setting1", "setting2", "setting3"];

    /// <summary>Reads a train or test file and groups its rows by unit.</summary>
    /// <exception cref="InvalidDataException">A row does not have 26 numeric fields, or rows are not sorted by unit and cycle.</exception>
    public static IReadOnlyList<CmapssUnit> ReadUnits(string path)
    {
        using var stream = OpenDecompressed(path);
        return ReadUnits(stream, path);
    }

    /// <summary>Reads a train or test file from a stream, which may be gzip-compressed.</summary>
    /// <param name="sourceName">Name used in error messages, usually the file path.</param>
    public static IReadOnlyList<CmapssUnit> ReadUnits(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = new DecompressedStream(stream);
        using var reader = new StreamReader(source.Stream, leaveOpen: true);

        var units = new List<CmapssUnit>();
        var seenUnits = new HashSet<int>();
        List<CycleReading>? cycles = null;
        var currentUnit = 0;
        var lineNumber = 0;
        var fields = new double[FieldCount];

        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            ParseFields(line, fields, sourceName, lineNumber);
            var unit = ToInteger(fields[0], "unit number", sourceName, lineNumber);
            var cycle = ToInteger(fields[1], "cycle", sourceName, lineNumber);

            if (cycles is null || unit != currentUnit)
            {
                if (!seenUnits.Add(unit))
                {
                    throw new InvalidDataException(
                        $"{sourceName} line {lineNumber}: unit {unit} appears again after other units. Rows must be sorted by unit, then cycle.");
                }

                cycles = [];
                units.Add(new CmapssUnit(unit, cycles));
                currentUnit = unit;
            }
            else if (cycle <= cycles[^1].Cycle)
            {
                throw new InvalidDataException(
                    $"{sourceName} line {lineNumber}: cycle {cycle} of unit {unit} does not follow cycle {cycles[^1].Cycle}. Rows must be sorted by unit, then cycle.");
            }

            var settings = fields.AsSpan(2, CycleReading.SettingCount);
            var sensors = fields.AsSpan(2 + CycleReading.SettingCount, CycleReading.SensorCount);
            cycles.Add(new CycleReading(cycle, settings, sensors));
        }

        return units;
    }

    /// <summary>Reads a RUL truth file: one integer per line, the RUL after the last cycle of each test unit in unit order.</summary>
    /// <exception cref="InvalidDataException">A line is not a non-negative integer.</exception>
    public static IReadOnlyList<int> ReadRul(string path)
    {
        using var stream = OpenDecompressed(path);
        return ReadRul(stream, path);
    }

    /// <summary>Reads a RUL truth file from a stream, which may be gzip-compressed.</summary>
    public static IReadOnlyList<int> ReadRul(Stream stream, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = new DecompressedStream(stream);
        using var reader = new StreamReader(source.Stream, leaveOpen: true);

        var values = new List<int>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                throw new InvalidDataException($"{sourceName} line {lineNumber}: expected a non-negative integer RUL but found '{text}'.");
            }

            values.Add(value);
        }

        return values;
    }

    private static Stream OpenDecompressed(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"C-MAPSS file not found: {path}", path);
        }

        return File.OpenRead(path);
    }

    /// <summary>
    /// Input stream, wrapped in a GZipStream when it starts with the gzip magic bytes. Disposing it disposes only the
    /// streams created here, never the caller's stream.
    /// </summary>
    private sealed class DecompressedStream : IDisposable
    {
        private readonly Stream? copy;
        private readonly GZipStream? gzip;

        public DecompressedStream(Stream input)
        {
            // Peeking at the magic bytes needs a seekable stream, so others are copied to memory first.
            copy = input.CanSeek ? null : new MemoryStream();
            if (copy is not null)
            {
                input.CopyTo(copy);
                copy.Position = 0;
            }

            var seekable = copy ?? input;
            var start = seekable.Position;
            Span<byte> magic = stackalloc byte[2];
            var read = seekable.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            seekable.Position = start;

            var isGzip = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            gzip = isGzip ? new GZipStream(seekable, CompressionMode.Decompress, leaveOpen: true) : null;
            Stream = gzip ?? seekable;
        }

        public Stream Stream { get; }

        public void Dispose()
        {
            gzip?.Dispose();
            copy?.Dispose();
        }
    }

    private static void ParseFields(string line, double[] fields, string sourceName, int lineNumber)
    {
        var span = line.AsSpan();
        var count = 0;
        foreach (var range in span.SplitAny(" \t"))
        {
            var token = span[range];
            if (token.IsEmpty)
            {
                continue;
            }

            if (count == FieldCount)
            {
                throw new InvalidDataException($"{sourceName} line {lineNumber}: expected {FieldCount} fields but found more.");
            }

            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out fields[count]))
            {
                throw new InvalidDataException($"{sourceName} line {lineNumber}: field {count + 1} '{token}' is not a number.");
            }

            count++;
        }

        if (count != FieldCount)
        {
            throw new InvalidDataException($"{sourceName} line {lineNumber}: expected {FieldCount} fields but found {count}.");
        }
    }

    private static int ToInteger(double value, string fieldName, string sourceName, int lineNumber)
    {
        if (value != Math.Floor(value) || value < 1 || value > int.MaxValue)
        {
            throw new InvalidDataException($"{sourceName} line {lineNumber}: {fieldName} {value} is not a positive integer.");
        }

        return (int)value;
    }
}
