using System.IO.Compression;
using System.Text;
using Dashboard.Estimation.Turbofan;

namespace Dashboard.Tests.Estimation.Turbofan;

public sealed class CmapssReaderTests
{
    // Two units in the NASA layout: single spaces between fields and two trailing spaces per line.
    private const string TwoUnits =
        "1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190  \n" +
        "1 2 0.0019 -0.0003 100.0 518.67 642.15 1591.82 1403.14 14.62 21.61 553.75 2388.04 9044.07 1.30 47.49 522.28 2388.07 8131.49 8.4318 0.03 392 2388 100.00 39.00 23.4236  \n" +
        "2 1 -0.0018 0.0006 100.0 518.67 642.66 1587.60 1398.93 14.62 21.61 553.64 2388.08 9053.44 1.30 47.28 521.77 2388.03 8137.66 8.4154 0.03 393 2388 100.00 38.95 23.3442  \n";

    [Fact]
    public void ReadUnits_ParsesTrailingSpaceLayout()
    {
        var units = CmapssReader.ReadUnits(new MemoryStream(Encoding.ASCII.GetBytes(TwoUnits)));

        Assert.Equal(2, units.Count);
        Assert.Equal(1, units[0].UnitNumber);
        Assert.Equal(2, units[0].Cycles.Count);
        Assert.Equal(2, units[1].UnitNumber);
        Assert.Single(units[1].Cycles);
        var second = units[0].Cycles[1];
        Assert.Equal(2, second.Cycle);
        Assert.Equal(0.0019, second.Settings[0]);
        Assert.Equal(100.0, second.Settings[2]);
        Assert.Equal(518.67, second.Sensors[0]);
        Assert.Equal(23.4236, second.Sensors[20]);
    }

    [Fact]
    public void ReadUnits_GzipMatchesPlain()
    {
        var plain = CmapssReader.ReadUnits(new MemoryStream(Encoding.ASCII.GetBytes(TwoUnits)));
        var compressed = CmapssReader.ReadUnits(new MemoryStream(Gzip(Encoding.ASCII.GetBytes(TwoUnits))));

        Assert.Equal(plain.Count, compressed.Count);
        for (var u = 0; u < plain.Count; u++)
        {
            Assert.Equal(plain[u].UnitNumber, compressed[u].UnitNumber);
            Assert.Equal(plain[u].Cycles.Select(c => c.Sensors.ToArray()), compressed[u].Cycles.Select(c => c.Sensors.ToArray()));
        }
    }

    [Fact]
    public void ReadUnits_RealFilePlainAndGzip()
    {
        var source = TestData.FileOf("test_FD001");
        var plainBytes = source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(File.ReadAllBytes(source)) : File.ReadAllBytes(source);
        var plainPath = Path.Combine(Path.GetTempPath(), $"test_FD001-{Guid.NewGuid():N}.txt");
        var gzipPath = plainPath + ".gz";
        try
        {
            File.WriteAllBytes(plainPath, plainBytes);
            File.WriteAllBytes(gzipPath, Gzip(plainBytes));

            var plain = CmapssReader.ReadUnits(plainPath);
            var compressed = CmapssReader.ReadUnits(gzipPath);

            Assert.Equal(100, plain.Count);
            Assert.Equal(13096, plain.Sum(u => u.Cycles.Count));
            Assert.Equal(31, plain.Min(u => u.Cycles.Count));
            Assert.Equal(plain.Count, compressed.Count);
            Assert.Equal(plain.Sum(u => u.Cycles.Count), compressed.Sum(u => u.Cycles.Count));
            Assert.Equal(plain[^1].Cycles[^1].Sensors.ToArray(), compressed[^1].Cycles[^1].Sensors.ToArray());
        }
        finally
        {
            File.Delete(plainPath);
            File.Delete(gzipPath);
        }
    }

    [Fact]
    public void ReadUnits_RejectsShortRow()
    {
        var text = TwoUnits + "3 1 0.0 0.0 100.0 518.67\n";

        var error = Assert.Throws<InvalidDataException>(() => CmapssReader.ReadUnits(new MemoryStream(Encoding.ASCII.GetBytes(text)), "sample"));

        Assert.Contains("sample line 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 26 fields but found 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadUnits_RejectsUnsortedCycles()
    {
        var lines = TwoUnits.Split('\n');
        var swapped = string.Join('\n', lines[1], lines[0], lines[2]);

        var error = Assert.Throws<InvalidDataException>(() => CmapssReader.ReadUnits(new MemoryStream(Encoding.ASCII.GetBytes(swapped))));

        Assert.Contains("does not follow cycle 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRul_RealTruthFile()
    {
        var truth = CmapssReader.ReadRul(TestData.FileOf("RUL_FD001"));

        Assert.Equal(100, truth.Count);
        Assert.Equal(7, truth.Min());
        Assert.Equal(145, truth.Max());
    }

    [Fact]
    public void ReadRul_GzipWithTrailingSpace()
    {
        var truth = CmapssReader.ReadRul(new MemoryStream(Gzip(Encoding.ASCII.GetBytes("112 \n98 \n"))));

        Assert.Equal([112, 98], truth);
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
