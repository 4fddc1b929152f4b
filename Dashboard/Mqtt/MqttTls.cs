using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Dashboard.Hosting;
using MQTTnet;

namespace Dashboard.Mqtt;

/// <summary>
/// TLS settings of MQTT clients: the broker's certificate is validated against the system's CAs or the
/// configured CA file, the host name is checked, and an optional client certificate is presented. No
/// setting accepts every certificate.
/// </summary>
public static class MqttTls
{
    /// <summary>Applies <see cref="MqttTlsOptions"/> to a client's TLS builder for a broker at <paramref name="host"/>.</summary>
    public static void Configure(MqttClientTlsOptionsBuilder tls, MqttTlsOptions options, string host, ILogger? logger)
    {
        var trustedCa = options.CaFile is null ? null : X509CertificateLoader.LoadCertificateFromFile(options.CaFile);
        tls.UseTls(true)
            .WithTargetHost(options.ServerName ?? host)
            .WithCertificateValidationHandler(args =>
            {
                if (ValidateServerCertificate(args.Certificate, args.Chain, args.SslPolicyErrors, trustedCa, out var problem))
                {
                    return true;
                }

                if (logger is not null)
                {
                    LogMessages.MqttCertificateRejected(logger, host, problem);
                }

                return false;
            });

        if (options.ClientCertificateFile is { } certificateFile)
        {
            tls.WithClientCertificates([LoadClientCertificate(certificateFile, options.ClientKeyFile)]);
        }
    }

    /// <summary>
    /// Returns whether the broker's certificate is acceptable: it carries the expected name, and its chain
    /// ends at a CA the system trusts or at <paramref name="trustedCa"/>. Revocation is not checked against
    /// a private CA, which rarely publishes revocation lists.
    /// </summary>
    public static bool ValidateServerCertificate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2? trustedCa, out string problem)
    {
        problem = string.Empty;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            problem = "the broker sent no certificate";
            return false;
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problem = "the certificate does not carry the broker's host name; set Mqtt:Host (or Mqtt:Tls:ServerName) to a name in the certificate";
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (trustedCa is null)
        {
            problem = $"the certificate chain is not trusted ({errors}); set Mqtt:Tls:CaFile to the CA certificate that signed it";
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(trustedCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // Intermediate certificates that the broker sent.
            foreach (var element in chain.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf))
        {
            return true;
        }

        problem = $"the certificate does not chain to the CA in Mqtt:Tls:CaFile: {string.Join("; ", custom.ChainStatus.Select(status => status.StatusInformation.Trim()))}";
        return false;
    }

    private static X509Certificate2 LoadClientCertificate(string certificateFile, string? keyFile)
    {
        using var pem = keyFile is null ? X509Certificate2.CreateFromPemFile(certificateFile) : X509Certificate2.CreateFromPemFile(certificateFile, keyFile);

        // SslStream on Linux needs the key in a PKCS#12 form, not the ephemeral one that PEM loading gives.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
