using Dashboard.Hosting;
using Dashboard.Security.Audit;
using Dashboard.Security.Data;
using Dashboard.Security.Identity;
using Dashboard.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Setup;

/// <summary>
/// Makes the security tables usable at start and makes sure an administrator exists: created from
/// <c>Admin:Email</c> and <c>Admin:Password</c> when they are set, otherwise announced through a one-time
/// setup link in the log (at Warning, so the default console shows it).
/// </summary>
/// <remarks>
/// The storage feature migrates the schema when it is enabled, and this service waits for it; with
/// <c>Storage:Enabled=false</c> it migrates on its own. Start-up waits up to <see cref="StartupWait"/> for
/// both steps, so the first requests find the accounts; after that they continue in the background, with
/// retries, while the database is unreachable.
/// </remarks>
public sealed class SecurityInitializer(
    SecurityDatabase database,
    IServiceProvider services,
    IServiceScopeFactory scopes,
    SetupTokenService setupTokens,
    AuditLog audit,
    IOptions<AdminOptions> adminOptions,
    IOptions<SecurityOptions> securityOptions,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IHostedService, IDisposable
{
    public static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger = loggerFactory.CreateLogger<SecurityInitializer>();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _initialization;

    /// <summary>Completes when the tables are ready and an administrator or a setup link exists.</summary>
    public Task Completion => _initialization ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogMessages.SecurityDatabaseSelected(_logger, database.Description);
        _initialization = InitializeWithRetryAsync(_stopping.Token);
        await Task.WhenAny(_initialization, Task.Delay(StartupWait, time, cancellationToken));

        // A configured administrator that cannot be created is a configuration error: stop the start.
        if (_initialization is { IsFaulted: true } failed)
        {
            await failed;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_initialization is not null)
        {
            await _initialization.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task InitializeWithRetryAsync(CancellationToken cancellationToken)
    {
        await WaitForSchemaAsync(cancellationToken);
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EnsureAdministratorAsync(cancellationToken);
                return;
            }
            catch (Exception e) when ((e is System.Data.Common.DbException or TimeoutException) && !cancellationToken.IsCancellationRequested)
            {
                LogMessages.SecurityInitializationFailed(_logger, e, attempt, delay);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, MaxRetryDelay.TotalSeconds));
            }
        }
    }

    private async Task WaitForSchemaAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<StorageReadiness>() is { } storage)
        {
            await storage.WaitAsync(cancellationToken);
            database.SetReady();
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.MigrateAsync(loggerFactory, cancellationToken);
                database.SetReady();
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogMessages.SecurityInitializationFailed(_logger, e, attempt, delay);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, MaxRetryDelay.TotalSeconds));
            }
        }
    }

    private async Task EnsureAdministratorAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        if (await administration.AnyAdministratorAsync())
        {
            return;
        }

        var admin = adminOptions.Value;
        if (!string.IsNullOrWhiteSpace(admin.Email) && !string.IsNullOrEmpty(admin.Password))
        {
            var result = await administration.CreateAdministratorAsync(admin.Email, admin.Password, cancellationToken);
            if (!result.Succeeded)
            {
                // Identity's messages describe the rule that failed and never contain the password.
                var problem = string.Join(" ", result.Errors.Select(error => error.Description));
                LogMessages.AdminConfigurationInvalid(_logger, problem);
                throw new InvalidOperationException(
                    $"The administrator from Admin:Email and Admin:Password could not be created: {problem} " +
                    "Fix the settings, or remove both to use the one-time setup link instead.");
            }

            LogMessages.AdminCreatedFromConfiguration(_logger, admin.Email);
            await audit.RecordAsync(AuditEvent.AdminCreatedFromConfiguration, "configuration", admin.Email, null, null, cancellationToken);
            return;
        }

        var secret = await setupTokens.CreateAsync(cancellationToken);
        await audit.RecordAsync(AuditEvent.SetupLinkCreated, "system", null, $"valid for {securityOptions.Value.SetupLinkLifetime}", null, cancellationToken);

        // The server's addresses are known only once it listens, which happens after the hosted services start.
        lifetime.ApplicationStarted.Register(() => LogMessages.SetupLinkCreated(_logger, SetupLink(secret), securityOptions.Value.SetupLinkLifetime));
    }

    private string SetupLink(string secret)
    {
        var address = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";
        return $"{BrowsableAddress(address).TrimEnd('/')}/setup?token={secret}";
    }

    /// <summary>Replaces a wildcard listening host (0.0.0.0, [::], + or *) with localhost, so the link opens in a browser.</summary>
    internal static string BrowsableAddress(string address)
    {
        foreach (var wildcard in new[] { "://0.0.0.0", "://[::]", "://+", "://*" })
        {
            if (address.Contains(wildcard, StringComparison.Ordinal))
            {
                return address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
            }
        }

        return address;
    }
}
