using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Api;
using Dashboard.Security;
using Dashboard.Security.Web;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Security;

/// <summary>API keys (bearer and X-Api-Key, stored and from configuration) and the anti-forgery rule of cookie sessions.</summary>
public sealed class ApiAccessTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task CreatedKey_WorksAsBearerAndHeader()
    {
        var created = await CreateKeyAsync(Roles.Operator);

        var bearer = await MeAsync(client => client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret));
        var header = await MeAsync(client => client.DefaultRequestHeaders.Add(SecuritySchemes.ApiKeyHeader, created.Secret));

        Assert.StartsWith(SecretTokens.ApiKeyPrefix, created.Secret, StringComparison.Ordinal);
        Assert.Equal([Roles.Operator], bearer.Roles);
        Assert.Equal(SecuritySchemes.ApiKey, bearer.AuthenticationType);
        Assert.Equal([Roles.Operator], header.Roles);
    }

    [Fact]
    public async Task RevokedKey_IsRejected()
    {
        var created = await CreateKeyAsync(Roles.Viewer);
        using var client = KeyClient(created.Secret);
        using var before = await client.GetAsync("/api/assets");

        using var revoke = await Host.Http.DeleteAsync($"/api/security/api-keys/{created.Key.Id}");
        using var after = await client.GetAsync("/api/assets");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("Bearer", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKey_IsRejectedEvenOnPages()
    {
        using var client = KeyClient(SecretTokens.ApiKeyPrefix + "unknown-key-unknown-key-unknown-key");

        using var api = await client.GetAsync("/api/assets");
        using var page = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Fact]
    public async Task KeyHash_IsStoredNotKey()
    {
        var created = await CreateKeyAsync(Roles.Viewer);
        var database = Host.Get<Dashboard.Security.Data.SecurityDatabase>();

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_hash FROM api_keys WHERE id = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = created.Key.Id;
        command.Parameters.Add(parameter);
        var stored = (byte[])(await command.ExecuteScalarAsync())!;

        Assert.Equal(SecretTokens.Hash(created.Secret), stored);
    }

    [Fact]
    public async Task ViewerKey_CannotAdminister()
    {
        var created = await CreateKeyAsync(Roles.Viewer);
        using var client = KeyClient(created.Secret);

        using var response = await client.PostAsJsonAsync("/api/security/api-keys", new CreateApiKeyRequest("escalate", Roles.Admin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ProvisionedKey_IsAccepted()
    {
        var me = await MeAsync(client => client.DefaultRequestHeaders.Add(SecuritySchemes.ApiKeyHeader, TestCredentials.ApiKey));

        Assert.Equal([Roles.Admin], me.Roles);
        Assert.Equal("API key test fixture", me.Name);
    }

    [Fact]
    public async Task KeyPost_NeedsNoAntiforgeryToken()
    {
        using var response = await Host.Http.PostAsJsonAsync("/api/security/display-tokens", new CreateDisplayTokenRequest("lobby", null));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task CookiePost_WithoutAntiforgeryToken_IsRejected()
    {
        using var admin = new SessionClient(Host.BaseAddress);
        await admin.SignInSucceedsAsync(TestCredentials.AdminEmail, TestCredentials.AdminPassword);

        using var without = await admin.PostJsonAsync("/api/security/display-tokens", new CreateDisplayTokenRequest("lobby", null), antiforgery: false);
        using var with = await admin.PostJsonAsync("/api/security/display-tokens", new CreateDisplayTokenRequest("lobby", null), antiforgery: true);

        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Contains("anti-forgery", await without.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Created, with.StatusCode);
    }

    [Fact]
    public async Task CookieDelete_WithoutAntiforgeryToken_IsRejected()
    {
        var created = await CreateKeyAsync(Roles.Viewer);
        using var admin = new SessionClient(Host.BaseAddress);
        await admin.SignInSucceedsAsync(TestCredentials.AdminEmail, TestCredentials.AdminPassword);

        using var response = await admin.Http.DeleteAsync($"/api/security/api-keys/{created.Key.Id}");
        using var stillWorks = await KeyClient(created.Secret).GetAsync("/api/assets");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    private async Task<CreatedApiKeyDto> CreateKeyAsync(string role)
    {
        using var response = await Host.Http.PostAsJsonAsync("/api/security/api-keys", new CreateApiKeyRequest($"test {role}", role));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedApiKeyDto>(DashboardApi.Json))!;
    }

    private HttpClient KeyClient(string key)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        client.DefaultRequestHeaders.Add(SecuritySchemes.ApiKeyHeader, key);
        return client;
    }

    private async Task<CurrentPrincipalDto> MeAsync(Action<HttpClient> authenticate)
    {
        using var client = new HttpClient { BaseAddress = Host.BaseAddress };
        authenticate(client);
        return (await client.GetFromJsonAsync<CurrentPrincipalDto>("/api/security/me", DashboardApi.Json))!;
    }
}
