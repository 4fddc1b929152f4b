namespace Dashboard.Mqtt;

/// <summary>
/// Rewrites the bare <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> tokens that some JSON writers emit
/// into quoted strings, so the message becomes valid JSON whose non-finite values can be dropped one by one.
/// </summary>
internal static class NonFiniteLiterals
{
    private static readonly byte[][] Literals = ["-Infinity"u8.ToArray(), "Infinity"u8.ToArray(), "NaN"u8.ToArray()];

    public static bool TryQuote(ReadOnlySpan<byte> json, out byte[] quoted)
    {
        quoted = [];
        var output = new List<byte>(json.Length + 16);
        var inString = false;
        var found = false;

        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                output.Add(b);
                if (b == (byte)'\\' && i + 1 < json.Length)
                {
                    output.Add(json[++i]);
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
                output.Add(b);
                continue;
            }

            var literal = MatchLiteral(json[i..]);
            if (literal is null)
            {
                output.Add(b);
                continue;
            }

            output.Add((byte)'"');
            output.AddRange(literal);
            output.Add((byte)'"');
            i += literal.Length - 1;
            found = true;
        }

        if (found)
        {
            quoted = output.ToArray();
        }

        return found;
    }

    private static byte[]? MatchLiteral(ReadOnlySpan<byte> rest)
    {
        foreach (var literal in Literals)
        {
            if (rest.StartsWith(literal))
            {
                return literal;
            }
        }

        return null;
    }
}
