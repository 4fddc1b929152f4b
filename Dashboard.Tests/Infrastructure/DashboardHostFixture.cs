namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// xunit class fixture: one <see cref="DashboardHost"/> with the embedded broker, shared by the tests of a
/// class. Tests that share it use asset ids of their own and compare counters before and after.
/// </summary>
public class DashboardHostFixture : IAsyncLifetime
{
    public DashboardHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await DashboardHost.StartAsync(await CreateOptionsAsync());

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await DisposeDependenciesAsync();
    }

    /// <summary>Returns the app's settings; derived fixtures start their dependencies here.</summary>
    protected virtual Task<DashboardHostOptions> CreateOptionsAsync() => Task.FromResult(new DashboardHostOptions());

    /// <summary>Stops what <see cref="CreateOptionsAsync"/> started, after the app has stopped.</summary>
    protected virtual Task DisposeDependenciesAsync() => Task.CompletedTask;
}

/// <summary>
/// xunit class fixture: a <see cref="MosquittoServer"/> with Mosquitto's default settings and a
/// <see cref="DashboardHost"/> subscribed to it (embedded broker off).
/// </summary>
public class MosquittoDashboardFixture : DashboardHostFixture
{
    public MosquittoServer Broker { get; private set; } = null!;

    /// <summary>Settings of the broker; the defaults change nothing in Mosquitto's own configuration.</summary>
    protected virtual MosquittoOptions BrokerOptions => new();

    protected override async Task<DashboardHostOptions> CreateOptionsAsync()
    {
        Broker = await MosquittoServer.StartAsync(BrokerOptions);
        return new DashboardHostOptions { ExternalBroker = new BrokerAddress(Broker.Host, Broker.Port) };
    }

    protected override async Task DisposeDependenciesAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}
