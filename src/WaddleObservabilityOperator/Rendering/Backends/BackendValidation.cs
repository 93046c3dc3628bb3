using System.Globalization;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>Checks that every managed component's validation uses alike; each adds a message naming the field.</summary>
internal static partial class BackendValidation
{
    /// <summary>A Service or Deployment name is a DNS-1035 label of at most 63 characters.</summary>
    public const int MaxServiceNameLength = 63;

    /// <summary>
    /// The StatefulSet controller labels each pod with controller-revision-hash "&lt;name&gt;-&lt;10 characters&gt;", a
    /// label value of at most 63 characters.
    /// </summary>
    public const int MaxStatefulSetNameLength = 52;

    // A Service name is a DNS-1035 label.
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035Label();

    public static void CheckName(List<string> problems, string policyName, string childName, int maxLength, string kinds)
    {
        if (childName.Length > maxLength || !Dns1035Label().IsMatch(childName))
        {
            problems.Add(
                $"metadata.name: the policy name \"{policyName}\" gives the {kinds} name \"{childName}\", which must be at most "
                + $"{maxLength.ToString(CultureInfo.InvariantCulture)} lowercase letters, digits and '-', starting with a letter; "
                + "use a shorter policy name without dots.");
        }
    }

    public static void CheckDuration(List<string> problems, string? value, string field)
    {
        if (!PrometheusDuration.TryParseMilliseconds(value, out _))
        {
            problems.Add($"{field}: \"{value}\" is not a Prometheus duration (e.g. 15s, 1m30s, 30d).");
        }
    }

    public static void CheckQuantity(List<string> problems, string? quantity, string field)
    {
        try
        {
            _ = new k8s.Models.ResourceQuantity(quantity).ToDecimal();
        }
        catch (FormatException)
        {
            problems.Add($"{field}: \"{quantity}\" is not a Kubernetes quantity (e.g. 20Gi).");
        }
    }

    public static void CheckImage(List<string> problems, string? image, string field)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            problems.Add($"{field} must not be empty.");
        }
    }
}
