using System.Net;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    /// <summary>Shortest provisioned API key accepted: 32 characters of base64 carry at least 192 bits.</summary>
    public const int MinimumKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var errors = new OptionsErrors(SecurityOptions.SectionName);
        if (options.AnonymousRole is { } anonymous && Roles.Canonical(anonymous) is null)
        {
            errors.Add(nameof(options.AnonymousRole), $"must be one of {string.Join(", ", Roles.All.Take(3))}, or unset to reject anonymous requests, but is '{anonymous}'.");
        }
        else if (Roles.Canonical(options.AnonymousRole) == Roles.Admin)
        {
            errors.Add(nameof(options.AnonymousRole), "must not be Admin: anonymous requests cannot administer the dashboard.");
        }

        errors.RequireRange(nameof(options.SignInAttemptsPerMinute), options.SignInAttemptsPerMinute, 1, 100_000);
        errors.RequireRange(nameof(options.MaxFailedAttempts), options.MaxFailedAttempts, 1, 1000);
        errors.RequireRange(nameof(options.MinimumPasswordLength), options.MinimumPasswordLength, 8, 128);
        errors.RequirePositive(nameof(options.LockoutDuration), options.LockoutDuration);
        errors.RequirePositive(nameof(options.UserSessionLifetime), options.UserSessionLifetime);
        errors.RequirePositive(nameof(options.DisplaySessionLifetime), options.DisplaySessionLifetime);
        errors.RequirePositive(nameof(options.SessionCheckInterval), options.SessionCheckInterval);
        errors.RequirePositive(nameof(options.SetupLinkLifetime), options.SetupLinkLifetime);
        ValidateOidc(options.Oidc, errors);
        ValidateApiKeys(options.ProvisionedApiKeys, errors);
        ValidateForwardedHeaders(options.ForwardedHeaders, errors);
        return errors.ToResult();
    }

    private static void ValidateOidc(OidcSettings oidc, OptionsErrors errors)
    {
        if (!oidc.Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && oidc.RequireHttpsMetadata))
        {
            errors.Add("Oidc:Authority", $"must be an absolute https URL of the provider, such as https://login.example.com/realms/plant, but is '{oidc.Authority}'.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            errors.Add("Oidc:ClientId", "is required when Auth:Oidc:Authority is set.");
        }

        if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
        {
            errors.Add("Oidc:RoleClaim", "is required, for example 'roles' or 'groups'.");
        }

        if (!oidc.CallbackPath.StartsWith('/'))
        {
            errors.Add("Oidc:CallbackPath", $"must start with '/', but is '{oidc.CallbackPath}'.");
        }

        foreach (var (claimValue, role) in oidc.RoleMapping)
        {
            if (Roles.Canonical(role) is null)
            {
                errors.Add($"Oidc:RoleMapping:{claimValue}", $"must be one of {string.Join(", ", Roles.All)}, but is '{role}'.");
            }
        }
    }

    private static void ValidateApiKeys(List<ProvisionedApiKey> keys, OptionsErrors errors)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            // The messages never quote the key itself.
            if (keys[i].Key is not { Length: >= MinimumKeyLength })
            {
                errors.Add($"ProvisionedApiKeys:{i}:Key", $"must be at least {MinimumKeyLength} characters; generate one with 'openssl rand -base64 32'.");
            }

            if (Roles.Canonical(keys[i].Role) is null)
            {
                errors.Add($"ProvisionedApiKeys:{i}:Role", $"must be one of {string.Join(", ", Roles.All)}, but is '{keys[i].Role}'.");
            }
        }
    }

    private static void ValidateForwardedHeaders(ForwardedHeadersSettings settings, OptionsErrors errors)
    {
        for (var i = 0; i < settings.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(settings.KnownProxies[i], out _))
            {
                errors.Add($"ForwardedHeaders:KnownProxies:{i}", $"must be an IP address, but is '{settings.KnownProxies[i]}'.");
            }
        }

        for (var i = 0; i < settings.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(settings.KnownNetworks[i], out _))
            {
                errors.Add($"ForwardedHeaders:KnownNetworks:{i}", $"must be a network in CIDR notation such as 10.0.0.0/8, but is '{settings.KnownNetworks[i]}'.");
            }
        }
    }
}

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var errors = new OptionsErrors(AdminOptions.SectionName);
        var hasEmail = !string.IsNullOrWhiteSpace(options.Email);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasEmail && !hasPassword)
        {
            errors.Add(nameof(options.Password), "is required when Admin:Email is set.");
        }

        if (hasPassword && !hasEmail)
        {
            errors.Add(nameof(options.Email), "is required when Admin:Password is set.");
        }

        if (hasEmail && !options.Email!.Contains('@', StringComparison.Ordinal))
        {
            errors.Add(nameof(options.Email), $"must be an email address, but is '{options.Email}'.");
        }

        return errors.ToResult();
    }
}
