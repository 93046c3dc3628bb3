using System.Text.RegularExpressions;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Registry;

/// <summary>The API server's name rules: RFC 1123 subdomains for most kinds, labels for namespaces, path segments for RBAC.</summary>
internal static partial class ObjectNames
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    public static FieldError? Validate(ResourceType type, string name)
    {
        if (type.Group == "rbac.authorization.k8s.io")
        {
            return name is "." or ".." || name.Contains('/') || name.Contains('%')
                ? FieldError.InvalidValue("metadata.name", name, "may not contain '/' or '%' and may not be '.' or '..'")
                : null;
        }

        // apimachinery's IsDNS1123Label/Subdomain: the length first, then the syntax.
        var (limit, syntax, message) = type.Plural is "namespaces" or "services" ? (63, Label(), LabelMessage) : (253, Subdomain(), SubdomainMessage);
        if (name.Length > limit)
        {
            return FieldError.InvalidValue("metadata.name", name, $"must be no more than {limit} characters");
        }

        return syntax.IsMatch(name) ? null : FieldError.InvalidValue("metadata.name", name, message);
    }

    /// <summary>generateName plus five random characters from the API server's alphabet (no vowels, no confusables).</summary>
    public static string Generate(string prefix)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var suffix = string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
        return (prefix.Length > 58 ? prefix[..58] : prefix) + suffix;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
