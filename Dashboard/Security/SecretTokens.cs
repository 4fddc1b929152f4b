using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Security;

/// <summary>
/// Random bearer secrets (display tokens, API keys, setup links) and the hash under which they are stored.
/// </summary>
/// <remarks>
/// A secret carries 256 random bits, so a plain SHA-256 hash is enough to store it: unlike a password it
/// cannot be guessed, and a slow, salted hash would only slow down every request that presents it.
/// </remarks>
public static class SecretTokens
{
    /// <summary>Prefix of API keys, so secret scanners and people can recognise a leaked key.</summary>
    public const string ApiKeyPrefix = "pmd_";

    /// <summary>Returns 32 random bytes as unpadded base64url text (43 characters, safe in URLs and headers).</summary>
    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Returns the SHA-256 hash of the secret's UTF-8 bytes.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
