namespace Dashboard.Security;

/// <summary>
/// Settings of the <c>Auth</c> configuration section: sign-in limits, session lifetimes, anonymous access,
/// OpenID Connect, API keys from configuration and reverse-proxy headers. docs/security.md describes each.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Role given to requests without credentials, for example <c>Viewer</c> on a trusted plant network.
    /// Unset (the default) rejects anonymous requests. <c>Admin</c> is not allowed.
    /// </summary>
    public string? AnonymousRole { get; set; }

    /// <summary>Sign-in, setup and display-link requests accepted per client address and minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>Failed password attempts in a row after which an account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Shortest password accepted. No character classes are required.</summary>
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>Idle time after which a user's session cookie expires; each request renews it.</summary>
    public TimeSpan UserSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Idle time after which a kiosk display's cookie expires; each request renews it.</summary>
    public TimeSpan DisplaySessionLifetime { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// How often a display session and a user session are checked against the database: a revoked display
    /// token, a locked account or changed roles take effect within this time.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the one-time setup link printed on first start stays valid.</summary>
    public TimeSpan SetupLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    public OidcSettings Oidc { get; set; } = new();

    /// <summary>API keys from configuration, such as <c>Auth:ProvisionedApiKeys:0:Key</c> and <c>:Role</c>.</summary>
    public List<ProvisionedApiKey> ProvisionedApiKeys { get; set; } = [];

    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();
}

/// <summary>Settings of <c>Auth:Oidc</c>: optional sign-in through an OpenID Connect provider.</summary>
public sealed class OidcSettings
{
    /// <summary>Issuer URL, such as <c>https://login.microsoftonline.com/{tenant}/v2.0</c>; unset disables OpenID Connect.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Claim of the ID token that carries the user's roles or groups.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Claim values mapped to dashboard roles, such as <c>Auth:Oidc:RoleMapping:plant-operators=Operator</c>.
    /// A claim value that is itself a role name (Viewer, Operator, Planner, Admin) maps to that role.
    /// </summary>
    public Dictionary<string, string> RoleMapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Claim shown as the user's name.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Label of the sign-in button.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    /// <summary>Path on this app that the provider redirects to after sign-in; register it at the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>False accepts provider metadata over plain HTTP; for a test provider on the same machine only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>An API key given in configuration rather than created on the admin page.</summary>
public sealed class ProvisionedApiKey
{
    /// <summary>Name shown in the audit log; defaults to "provisioned key N".</summary>
    public string? Name { get; set; }

    /// <summary>The key as clients send it; at least 32 characters. Only its hash is kept after start.</summary>
    public string? Key { get; set; }

    public string? Role { get; set; }
}

/// <summary>Settings of <c>Auth:ForwardedHeaders</c>: trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy.</summary>
public sealed class ForwardedHeadersSettings
{
    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies whose headers are trusted; loopback when neither list is set.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks in CIDR notation, such as <c>10.0.0.0/8</c>, whose proxies are trusted.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Settings of the <c>Admin</c> configuration section: the first administrator, created on a start that
/// finds none. Without them the app prints a one-time setup link instead.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? Email { get; set; }

    public string? Password { get; set; }
}
