using Dashboard.Mqtt;
using Dashboard.Security;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Security;

/// <summary>Start-up validation of the Auth, Admin and MQTT security settings; each message names its key.</summary>
public sealed class SecurityOptionsTests
{
    [Theory]
    [InlineData("Admin", "Auth:AnonymousRole")]
    [InlineData("Superuser", "Auth:AnonymousRole")]
    public void AnonymousRole_Invalid_IsRejected(string role, string key)
    {
        var result = Validate(new SecurityOptions { AnonymousRole = role });

        Assert.Contains(result.Failures!, failure => failure.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(Validate(new SecurityOptions()).Succeeded);
    }

    [Fact]
    public void Oidc_WithoutClientOrHttps_IsRejected()
    {
        var result = Validate(new SecurityOptions { Oidc = { Authority = "http://idp.example/realms/plant" } });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Auth:Oidc:Authority", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Auth:Oidc:ClientId", StringComparison.Ordinal));
    }

    [Fact]
    public void ProvisionedKey_TooShort_IsRejected()
    {
        var result = Validate(new SecurityOptions { ProvisionedApiKeys = [new ProvisionedApiKey { Key = "short-secret", Role = "Viewer" }] });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Auth:ProvisionedApiKeys:0:Key", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardedHeaders_BadProxy_IsRejected()
    {
        var result = Validate(new SecurityOptions { ForwardedHeaders = { Enabled = true, KnownProxies = ["proxy.local"], KnownNetworks = ["10.0.0.0/33"] } });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Auth:ForwardedHeaders:KnownProxies:0", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Auth:ForwardedHeaders:KnownNetworks:0", StringComparison.Ordinal));
    }

    [Fact]
    public void AdminEmailWithoutPassword_IsRejected()
    {
        var result = new AdminOptionsValidator().Validate(null, new AdminOptions { Email = "admin@plant.example" });

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Admin:Password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("::")]
    public void EmbeddedBroker_OffLoopbackWithoutCredentials_IsRejected(string address)
    {
        var options = new MqttOptions { EmbeddedBroker = { BindAddress = address } };

        var result = new MqttOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Mqtt:EmbeddedBroker:Username", StringComparison.Ordinal));
    }

    [Fact]
    public void EmbeddedBroker_OffLoopbackWithCredentials_IsValid()
    {
        var options = new MqttOptions { EmbeddedBroker = { BindAddress = "0.0.0.0", Username = "plant", Password = "broker password" } };

        Assert.True(new MqttOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Tls_WithEmbeddedBroker_IsRejected()
    {
        var options = new MqttOptions { Tls = { Enabled = true } };

        var result = new MqttOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Mqtt:Tls:Enabled", StringComparison.Ordinal));
    }

    [Fact]
    public void Tls_MissingCaFile_IsRejected()
    {
        var options = new MqttOptions { EmbeddedBroker = { Enabled = false }, Tls = { Enabled = true, CaFile = "/nonexistent/ca.pem" } };

        var result = new MqttOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, failure => failure.StartsWith("Mqtt:Tls:CaFile", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(SecurityOptions options) => new SecurityOptionsValidator().Validate(null, options);
}
