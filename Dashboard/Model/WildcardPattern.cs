namespace Dashboard.Model;

/// <summary>
/// A pattern over ids where <c>*</c> matches any run of characters (also none) and <c>?</c> exactly one;
/// every other character matches itself, case-sensitively.
/// </summary>
public sealed class WildcardPattern(string pattern)
{
    public static readonly WildcardPattern Any = new("*");

    public string Pattern { get; } = pattern;

    public bool IsMatch(string value) => IsMatch(Pattern.AsSpan(), value.AsSpan());

    public override string ToString() => Pattern;

    private static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        // Iterative matching with one backtrack point for the last '*', linear in practice.
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == value[v]))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
