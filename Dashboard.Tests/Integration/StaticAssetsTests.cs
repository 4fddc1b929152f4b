using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// The in-process app must serve the same static files as <c>dotnet run</c>; otherwise browser tests would
/// see an unstyled page without a circuit.
/// </summary>
public sealed partial class StaticAssetsTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    [Theory]
    [InlineData("_framework/blazor.web.js", "javascript")]
    [InlineData("_content/MudBlazor/MudBlazor.min.css", "css")]
    [InlineData("_content/MudBlazor/MudBlazor.min.js", "javascript")]
    [InlineData("js/trend-chart.js", "javascript")]
    [InlineData("lib/apexcharts/apexcharts.min.js", "javascript")]
    [InlineData("css/app.css", "css")]
    public async Task StaticAsset_IsServed(string path, string contentType)
    {
        using var response = await fixture.Host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, $"{path} is almost empty.");
    }

    [Fact]
    public async Task OverviewPage_ReferencesOnlyServedAssets()
    {
        var html = await fixture.Host.Http.GetStringAsync("/");
        var references = AssetReference().Matches(html).Select(match => match.Groups["url"].Value).Distinct().ToList();

        // The app links fingerprinted names such as _content/MudBlazor/MudBlazor.min.002nf0s2a2.css.
        Assert.Contains(references, url => url.StartsWith("_framework/blazor.web.", StringComparison.Ordinal));
        Assert.Contains(references, url => url.StartsWith("_content/MudBlazor/MudBlazor.min.", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(references, url => url.StartsWith("lib/apexcharts/apexcharts.min.", StringComparison.Ordinal));
        foreach (var url in references)
        {
            using var response = await fixture.Host.Http.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} returned {(int)response.StatusCode}.");
        }
    }

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\":?#]+\\.(?:js|css|png))\"")]
    private static partial Regex AssetReference();
}
