using System.Text.Json;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Api;

public sealed class OpenApiTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    [Theory]
    [InlineData("/api/assets", "ListAssets")]
    [InlineData("/api/assets/{site}/{asset}", "GetAsset")]
    [InlineData("/api/ingest/stats", "GetIngestStats")]
    public async Task Document_DescribesEndpoint(string path, string operationId)
    {
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out var item), $"The document has no path {path}.");
        var get = item.GetProperty("get");
        Assert.Equal(operationId, get.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()));
        Assert.True(get.GetProperty("responses").TryGetProperty("200", out _), $"{path} documents no 200 response.");
    }

    [Fact]
    public async Task Document_ListsEveryApiEndpoint()
    {
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "/api/alerts",
                "/api/alerts/ack",
                "/api/alerts/{id}",
                "/api/alerts/{id}/ack",
                "/api/alerts/{id}/events",
                "/api/alerts/{id}/shelve",
                "/api/alerts/{id}/unshelve",
                "/api/assets",
                "/api/assets/{site}/{asset}",
                "/api/assets/{site}/{asset}/history",
                "/api/ingest/stats",
                "/api/planner",
                "/api/planner/plan.csv",
                "/api/security/antiforgery",
                "/api/security/api-keys",
                "/api/security/api-keys/{id}",
                "/api/security/audit",
                "/api/security/display-tokens",
                "/api/security/display-tokens/{id}",
                "/api/security/me",
            ],
            paths);
    }

    [Fact]
    public async Task GetAsset_Documents404()
    {
        using var document = JsonDocument.Parse(await fixture.Host.Http.GetStringAsync("openapi/v1.json"));

        var responses = document.RootElement.GetProperty("paths").GetProperty("/api/assets/{site}/{asset}").GetProperty("get").GetProperty("responses");

        Assert.True(responses.TryGetProperty("404", out var notFound), "GetAsset documents no 404 response.");
        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _), "The 404 response is not documented as problem details.");
    }
}
