using System.Net;
using Dashboard.Hosting;
using Dashboard.Security.ApiKeys;
using Dashboard.Security.Audit;
using Dashboard.Security.Components;
using Dashboard.Security.Data;
using Dashboard.Security.DataProtection;
using Dashboard.Security.Displays;
using Dashboard.Security.Identity;
using Dashboard.Security.Oidc;
using Dashboard.Security.Setup;
using Dashboard.Security.Web;
using Dashboard.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.Security;

public static class SecurityServiceExtensions
{
    /// <summary>
    /// Registers sign-in with local accounts (ASP.NET Core Identity over the product database) and optional
    /// OpenID Connect, kiosk display sessions, API keys, the authorization policies with
    /// <see cref="Policies.View"/> as fallback, the sign-in rate limit, anti-forgery settings, data-protection
    /// keys in the database, the audit log and the first-start administrator.
    /// </summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        var settings = builder.Configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();

        AddDatabase(builder);

        // Registered before anything that adds data protection: its hosted service loads the key ring from
        // the security tables at start, and hosted services start in the order of registration.
        services.AddSingleton<SecurityInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<SecurityInitializer>());

        AddIdentity(services);
        AddAuthentication(services, settings);
        services.AddAuthorization(options => options.AddDashboardPolicies());
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, DashboardAuthenticationStateProvider>();

        services.AddSingleton<ClientRateLimiter>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => ClientRateLimiter.WriteRejectionAsync(context.HttpContext);
            options.AddPolicy(ClientRateLimiter.PolicyName, context => ClientRateLimiter.Partition(context, settings.SignInAttemptsPerMinute));
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = SecuritySchemes.AntiforgeryCookieName;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.HeaderName = SecuritySchemes.AntiforgeryHeader;
        });
        services.AddSingleton<DatabaseXmlRepository>();
        services.AddDataProtection().SetApplicationName("Dashboard");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = sp.GetRequiredService<DatabaseXmlRepository>()));
        services.Configure<ForwardedHeadersOptions>(options => ConfigureForwardedHeaders(options, settings.ForwardedHeaders));
        services.AddHealthChecks();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<SetupTokenService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<DisplayTokenService>();
        services.AddSingleton<DisplaySessionMonitor>();
        services.AddSingleton<IDisplaySessionMonitor>(sp => sp.GetRequiredService<DisplaySessionMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<DisplaySessionMonitor>());
        services.AddScoped<UserAdministration>();
        services.AddScoped<DisplayCircuitState>();

        // "Request starting" lines carry the full query string, and with it the one-time display and setup tokens.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }

    /// <summary>
    /// Adds the reverse-proxy headers (when <c>Auth:ForwardedHeaders:Enabled</c>) and the security headers;
    /// call it first, so every later middleware uses the client's address and every response carries the headers.
    /// </summary>
    public static void UseSecurityHeaders(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (settings.ForwardedHeaders.Enabled)
        {
            var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
            var proxies = forwarded.KnownProxies.Select(proxy => proxy.ToString()).Concat(forwarded.KnownIPNetworks.Select(network => network.ToString()));
            LogMessages.ForwardedHeadersEnabled(app.Logger, string.Join(", ", proxies));
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
    }

    /// <summary>
    /// Adds rate limiting, authentication, the anonymous role (when configured), the display-link exchange,
    /// authorization and the anti-forgery check of state-changing API calls, in that order.
    /// </summary>
    public static void UseSecurity(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        app.UseRateLimiter();
        app.UseAuthentication();
        if (Roles.Canonical(settings.AnonymousRole) is { } anonymousRole)
        {
            LogMessages.AnonymousAccessEnabled(app.Logger, anonymousRole);
            app.UseMiddleware<AnonymousRoleMiddleware>(anonymousRole);
        }

        if (settings.Oidc.Enabled)
        {
            LogMessages.OidcEnabled(app.Logger, settings.Oidc.Authority!);
        }

        app.UseMiddleware<DisplayLinkMiddleware>();
        app.UseAuthorization();
        app.UseMiddleware<ApiAntiforgeryMiddleware>();
    }

    /// <summary>Maps the account form endpoints, the security API and the anonymous <c>/health</c> liveness check.</summary>
    public static void MapSecurityEndpoints(this WebApplication app)
    {
        app.MapAccountEndpoints();
        app.MapSecurityApiEndpoints();
        app.MapHealthChecks("/health").AllowAnonymous();
    }

    private static void AddDatabase(IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // The storage feature registers the same data source when it is enabled; TryAdd keeps that one.
            builder.Services.TryAddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
            builder.Services.AddSingleton<SecurityDatabase>(sp => new PostgresSecurityDatabase(sp.GetRequiredService<NpgsqlDataSource>()));
            return;
        }

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var path = Path.Combine(builder.Environment.ContentRootPath, storage.DataDirectory, "dashboard.db");
        builder.Services.AddSingleton<SecurityDatabase>(_ =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return new SqliteSecurityDatabase(path);
        });
    }

    private static void AddIdentity(IServiceCollection services)
    {
        services.AddIdentityCore<DashboardUser>()
            .AddRoles<DashboardRole>()
            .AddUserStore<DashboardUserStore>()
            .AddRoleStore<DashboardRoleStore>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddScoped(sp => (DashboardUserStore)sp.GetRequiredService<IUserStore<DashboardUser>>());
        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((identity, security) =>
        {
            // Length only, without character classes: NIST SP 800-63B recommends against composition rules.
            identity.Password.RequiredLength = security.Value.MinimumPasswordLength;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequiredUniqueChars = 1;
            identity.Lockout.MaxFailedAccessAttempts = security.Value.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = security.Value.LockoutDuration;
            identity.Lockout.AllowedForNewUsers = true;
            identity.User.RequireUniqueEmail = true;
        });
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SecurityOptions>>((validator, security) =>
            validator.ValidationInterval = security.Value.SessionCheckInterval);
    }

    private static void AddAuthentication(IServiceCollection services, SecurityOptions settings)
    {
        var oidcEnabled = settings.Oidc.Enabled;
        var authentication = services.AddAuthentication(SecuritySchemes.Default)
            .AddPolicyScheme(SecuritySchemes.Default, "Dashboard", options =>
                options.ForwardDefaultSelector = context => SchemeSelector.Select(context, oidcEnabled))
            .AddCookie(IdentityConstants.ApplicationScheme, options =>
            {
                SessionCookies.Configure(options, SecuritySchemes.UserCookieName, settings.UserSessionLifetime);
                options.Events.OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync;
            })
            .AddCookie(SecuritySchemes.Display, options =>
            {
                SessionCookies.Configure(options, SecuritySchemes.DisplayCookieName, settings.DisplaySessionLifetime);
                options.Events.OnValidatePrincipal = DisplaySessionValidator.ValidatePrincipalAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(SecuritySchemes.ApiKey, "API key", null);

        // Identity's SignInManager.SignOutAsync, which the security stamp validator calls for an outdated
        // session, also signs out of these schemes. The dashboard never signs in with them.
        authentication.AddCookie(IdentityConstants.ExternalScheme, options => options.Cookie.Name = ".Dashboard.External");
        authentication.AddCookie(IdentityConstants.TwoFactorUserIdScheme, options => options.Cookie.Name = ".Dashboard.TwoFactor");
        authentication.AddCookie(IdentityConstants.TwoFactorRememberMeScheme, options => options.Cookie.Name = ".Dashboard.TwoFactorRemember");
        if (oidcEnabled)
        {
            authentication.AddDashboardOidc(settings);
        }
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions options, ForwardedHeadersSettings settings)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        if (settings.KnownProxies.Count == 0 && settings.KnownNetworks.Count == 0)
        {
            // Keep ASP.NET Core's default: only a proxy on the same machine (loopback) is trusted.
            return;
        }

        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in settings.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
