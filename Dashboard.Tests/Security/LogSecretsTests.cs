using System.Net.Http.Headers;
using Dashboard.Security;
using Dashboard.Security.ApiKeys;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Security;

/// <summary>
/// An app configured with every kind of secret, driven through sign-ins, API keys and display links,
/// including wrong ones: none of the secrets may appear in its log, which records everything from Debug up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LogSecretsTests(PostgresServer postgres)
{
    [Fact]
    public async Task Logs_ContainNoSecret()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var mqttPassword = "mqtt-" + Guid.NewGuid().ToString("N");
        var oidcSecret = "oidc-" + Guid.NewGuid().ToString("N");
        var wrongPassword = "wrong-" + Guid.NewGuid().ToString("N");
        var wrongKey = SecretTokens.ApiKeyPrefix + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        var hosts = new ProviderHosts(postgres, ProviderHosts.Postgres);
        await using var host = await hosts.StartAsync(new Dictionary<string, string?>
        {
            ["Mqtt:Username"] = "dashboard",
            ["Mqtt:Password"] = mqttPassword,
            ["Auth:Oidc:Authority"] = "https://127.0.0.1:9/realms/plant",
            ["Auth:Oidc:ClientId"] = "dashboard",
            ["Auth:Oidc:ClientSecret"] = oidcSecret,
        }, new BrokerAddress(broker.Host, broker.Port));

        using (var browser = new SessionClient(host.BaseAddress))
        {
            using var failed = await browser.SignInAsync(TestCredentials.AdminEmail, wrongPassword);
            await browser.SignInSucceedsAsync(TestCredentials.AdminEmail, TestCredentials.AdminPassword);
        }

        var display = await DisplayTokenTests.CreateTokenAsync(host, null);
        using (var wall = new SessionClient(host.BaseAddress))
        {
            using var exchange = await wall.Http.GetAsync($"/wall?token={display.Secret}");
            using var page = await wall.Http.GetAsync("/wall");
            using var wrongLink = await wall.Http.GetAsync($"/wall?token={display.Secret}x");
        }

        var created = await host.Get<ApiKeyService>().CreateAsync("erp", Roles.Viewer, TestUsers.Administrator, null, CancellationToken.None);
        using (var integration = new HttpClient { BaseAddress = host.BaseAddress })
        {
            integration.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Key);
            using var accepted = await integration.GetAsync("/api/assets");
            integration.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrongKey);
            using var rejected = await integration.GetAsync("/api/assets");
        }

        var log = host.Logs.Text();
        var secrets = new Dictionary<string, string>
        {
            ["Admin:Password"] = TestCredentials.AdminPassword,
            ["the provisioned API key"] = TestCredentials.ApiKey,
            ["the PostgreSQL password"] = ProviderHosts.ConnectionPassword,
            ["Mqtt:Password"] = mqttPassword,
            ["Auth:Oidc:ClientSecret"] = oidcSecret,
            ["a wrong password"] = wrongPassword,
            ["a wrong API key"] = wrongKey,
            ["a created API key"] = created.Key,
            ["a display token"] = display.Secret,
        };

        Assert.Contains("Security event SignInFailed", log, StringComparison.Ordinal);
        foreach (var (name, secret) in secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"The log contains {name}.");
        }
    }
}

/// <summary>Auth:AnonymousRole lets requests without credentials act with one role, and no more.</summary>
public sealed class AnonymousRoleTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(new DashboardHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Auth:AnonymousRole"] = "Viewer" },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Anonymous_ViewsButCannotChange()
    {
        using var anonymous = new SessionClient(_host.BaseAddress);

        using var assets = await anonymous.Http.GetAsync("/api/assets");
        using var overview = await anonymous.Http.GetAsync("/");
        using var acknowledge = await anonymous.PostJsonAsync("/api/alerts/1/ack", new Dashboard.Api.AcknowledgeRequest(null), antiforgery: true);
        using var admin = await anonymous.Http.GetAsync("/admin/users");

        Assert.Equal(System.Net.HttpStatusCode.OK, assets.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, acknowledge.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal("/access-denied", admin.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task WrongApiKey_IsStillRejected()
    {
        using var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Add(SecuritySchemes.ApiKeyHeader, "pmd_wrong-wrong-wrong-wrong-wrong-wrong");

        using var response = await client.GetAsync("/api/assets");

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
