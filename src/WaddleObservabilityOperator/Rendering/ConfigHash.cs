using System.Security.Cryptography;
using System.Text;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>A short stable hash of configuration text, put on pod templates so that a changed value rolls them out.</summary>
public static class ConfigHash
{
    public static string Of(string canonicalText)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(canonicalText));
        return Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    public static string Of(IEnumerable<string> parts) => Of(string.Join('\n', parts));
}
