namespace Dashboard.Tests.Model;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("*", "")]
    [InlineData("*", "anything at all")]
    [InlineData("pump-*", "pump-")]
    [InlineData("pump-*", "pump-17")]
    [InlineData("*-17", "pump-17")]
    [InlineData("p*p*7", "pump-17")]
    [InlineData("pump-?7", "pump-17")]
    [InlineData("??", "ab")]
    [InlineData("a*b*c", "aXXbYYbZc")]
    [InlineData("**", "x")]
    [InlineData("site ü/*", "site ü/ä")]
    [InlineData("exact", "exact")]
    [InlineData("", "")]
    public void IsMatch_MatchingValue_ReturnsTrue(string pattern, string value)
    {
        Assert.True(new WildcardPattern(pattern).IsMatch(value));
    }

    [Theory]
    [InlineData("pump-*", "Pump-17")]
    [InlineData("pump-*", "pum")]
    [InlineData("pump-?7", "pump-7")]
    [InlineData("pump-?7", "pump-117")]
    [InlineData("??", "a")]
    [InlineData("a*b*c", "aXXbYYc_")]
    [InlineData("exact", "exactly")]
    [InlineData("exact", "inexact")]
    [InlineData("", "x")]
    [InlineData("a.c", "abc")]
    public void IsMatch_OtherValue_ReturnsFalse(string pattern, string value)
    {
        Assert.False(new WildcardPattern(pattern).IsMatch(value));
    }

    [Fact]
    public void IsMatch_LongValueWithManyStars_Finishes()
    {
        var value = new string('a', 10_000) + "b";
        var pattern = new WildcardPattern(string.Concat(Enumerable.Repeat("*a", 50)) + "*c");

        Assert.False(pattern.IsMatch(value));
    }

    [Fact]
    public void Any_MatchesEveryValue()
    {
        Assert.True(WildcardPattern.Any.IsMatch(""));
        Assert.True(WildcardPattern.Any.IsMatch("x/y?*"));
    }
}
