using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using MQTTnet;

namespace Dashboard.Tests.Security;

/// <summary>
/// A throwaway CA, server and client certificate made with .NET's CertificateRequest, and a real Mosquitto
/// with two TLS listeners: one that only encrypts, one that also requires a client certificate.
/// </summary>
public sealed class TlsBroker : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("dashboard-tls-").FullName;

    public MosquittoServer Broker { get; private set; } = null!;

    public int TlsPort { get; } = LoopbackPort.Allocate();

    public int MutualTlsPort { get; } = LoopbackPort.Allocate();

    public string CaFile => Path.Combine(Directory, "ca.pem");

    /// <summary>A CA that signed nothing the broker uses.</summary>
    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    public string ClientCertificateFile => Path.Combine(Directory, "client.pem");

    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    public async Task InitializeAsync()
    {
        using var caKey = RSA.Create(2048);
        using var ca = CreateCa("CN=Dashboard test CA", caKey);
        using var otherKey = RSA.Create(2048);
        using var other = CreateCa("CN=Unrelated CA", otherKey);
        await File.WriteAllTextAsync(CaFile, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(OtherCaFile, other.ExportCertificatePem());
        await WriteLeafAsync(ca, "CN=127.0.0.1", serverAuth: true, Path.Combine(Directory, "server.pem"), Path.Combine(Directory, "server.key"));
        await WriteLeafAsync(ca, "CN=dashboard", serverAuth: false, ClientCertificateFile, ClientKeyFile);

        var tls = $"cafile {CaFile}\ncertfile {Path.Combine(Directory, "server.pem")}\nkeyfile {Path.Combine(Directory, "server.key")}";
        Broker = await MosquittoServer.StartAsync(new MosquittoOptions
        {
            AdditionalConfig = string.Create(CultureInfo.InvariantCulture, $"listener {TlsPort} 127.0.0.1\n{tls}\nlistener {MutualTlsPort} 127.0.0.1\n{tls}\nrequire_certificate true\n"),
        });
        await LoopbackPort.WaitUntilAcceptingAsync(TlsPort, TimeSpan.FromSeconds(15), () => null);
        await LoopbackPort.WaitUntilAcceptingAsync(MutualTlsPort, TimeSpan.FromSeconds(15), () => null);
    }

    public async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static X509Certificate2 CreateCa(string name, RSA key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static async Task WriteLeafAsync(X509Certificate2 ca, string name, bool serverAuth, string certificateFile, string keyFile)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(12));
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}

/// <summary>
/// TLS to an external broker through <see cref="MqttClientOptionsFactory"/>, which every MQTT client of the
/// app uses: a certificate of the configured CA is accepted, anything else is rejected.
/// </summary>
public sealed class MqttTlsTests(TlsBroker tls) : IClassFixture<TlsBroker>
{
    [Fact]
    public async Task ConfiguredCa_IsTrusted()
    {
        await ConnectAsync(Options(tls.TlsPort, tls.CaFile));
    }

    [Fact]
    public async Task WithoutCaFile_PrivateCaIsRejected()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(Options(tls.TlsPort, caFile: null)));
    }

    [Fact]
    public async Task OtherCa_IsRejected()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(Options(tls.TlsPort, tls.OtherCaFile)));
    }

    [Fact]
    public async Task WrongServerName_IsRejected()
    {
        var options = Options(tls.TlsPort, tls.CaFile);
        options.Tls.ServerName = "broker.plant.example";

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(options));
    }

    [Fact]
    public async Task PlainClient_CannotTalkToTlsListener()
    {
        var options = Options(tls.TlsPort, tls.CaFile);
        options.Tls.Enabled = false;

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(options));
    }

    [Fact]
    public async Task ClientCertificate_IsPresentedWhenRequired()
    {
        var withCertificate = Options(tls.MutualTlsPort, tls.CaFile);
        withCertificate.Tls.ClientCertificateFile = tls.ClientCertificateFile;
        withCertificate.Tls.ClientKeyFile = tls.ClientKeyFile;

        await ConnectAsync(withCertificate);
        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(Options(tls.MutualTlsPort, tls.CaFile)));
    }

    [Fact]
    public async Task App_IngestsOverTls()
    {
        // The test publisher uses the plain listener; the app subscribes over TLS to the same broker.
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(tls.Broker.Host, tls.Broker.Port),
            Settings = new Dictionary<string, string?>
            {
                ["Mqtt:Port"] = tls.TlsPort.ToString(CultureInfo.InvariantCulture),
                ["Mqtt:Tls:Enabled"] = "true",
                ["Mqtt:Tls:CaFile"] = tls.CaFile,
            },
        });
        var asset = new AssetKey("tls", "pump-1");

        await host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("T30", 42));

        await host.Http.WaitForValueAsync(asset, "T30", 42);
    }

    private static MqttOptions Options(int port, string? caFile) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        EmbeddedBroker = { Enabled = false },
        Tls = { Enabled = true, CaFile = caFile },
    };

    private static async Task ConnectAsync(MqttOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client.ConnectAsync(MqttClientOptionsFactory.Create(options, $"tls-test-{Guid.NewGuid():N}", persistentSession: false), timeout.Token);
        await client.DisconnectAsync(cancellationToken: timeout.Token);
    }
}

/// <summary>The embedded broker with credentials rejects clients without them and accepts the app's own clients.</summary>
public sealed class EmbeddedBrokerCredentialsTests
{
    [Fact]
    public async Task Credentials_AreRequiredAndUsedByAppClients()
    {
        var options = new MqttOptions
        {
            EmbeddedBroker = { Port = LoopbackPort.Allocate(), Username = "plant", Password = "embedded-" + Guid.NewGuid().ToString("N") },
        };
        using var broker = new EmbeddedMqttBroker(Microsoft.Extensions.Options.Options.Create(options), Microsoft.Extensions.Logging.Abstractions.NullLogger<EmbeddedMqttBroker>.Instance);
        await broker.StartAsync(CancellationToken.None);
        try
        {
            using var anonymous = new MqttClientFactory().CreateMqttClient();
            var anonymousOptions = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", options.EmbeddedBroker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build();
            using var appClient = new MqttClientFactory().CreateMqttClient();

            var rejected = await anonymous.ConnectAsync(anonymousOptions);
            var accepted = await appClient.ConnectAsync(MqttClientOptionsFactory.Create(options, "app-client", persistentSession: false));

            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, rejected.ResultCode);
            Assert.False(anonymous.IsConnected);
            Assert.Equal(MqttClientConnectResultCode.Success, accepted.ResultCode);
        }
        finally
        {
            await broker.StopAsync(CancellationToken.None);
        }
    }
}
