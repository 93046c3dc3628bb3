namespace WaddleObservabilityOperator.Api;

// Validation and presentation expressed on the types; the CRD generator (Api/Crds) turns them into
// openAPIV3Schema keywords and CRD fields. Descriptions come from the XML docs.

/// <summary>The property must be present (openAPIV3Schema <c>required</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredFieldAttribute : Attribute;

/// <summary>Inclusive numeric bounds (<c>minimum</c>/<c>maximum</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BoundsAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

/// <summary>Exclusive numeric bounds (<c>minimum</c>/<c>maximum</c> with <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>): the value lies strictly between them.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ExclusiveBoundsAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

/// <summary>A sampling probability: a number from 0 to 1 inclusive.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RatioAttribute : Attribute;

/// <summary>Lower numeric bound only.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(double minimum) : Attribute
{
    public double Minimum { get; } = minimum;
}

/// <summary>A Prometheus duration such as <c>15s</c>, <c>1m30s</c> or <c>30d</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PrometheusDurationAttribute : Attribute
{
    /// <summary>The pattern prometheus-operator uses for its Duration type.</summary>
    public const string Pattern = "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";
}

/// <summary>A string matching a regular expression (<c>pattern</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>Every item of a list of strings matches a regular expression (<c>items.pattern</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>The API server's name syntaxes, for fields that name an object or a port, so a name no object can have is refused on apply.</summary>
public static class NamePatterns
{
    /// <summary>An RFC 1035 label: a name that is also the start of a Service name (a letter first).</summary>
    public const string Dns1035Label = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>A host name (DNS name, any case) or an IPv4 address.</summary>
    public const string Host = "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$";

    /// <summary>An RFC 1123 subdomain: the names of Deployments, StatefulSets, DaemonSets, Secrets and custom resources.</summary>
    public const string Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>An RFC 1123 label: the names of containers and of Service ports.</summary>
    public const string Label = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /// <summary>A Secret or ConfigMap key.</summary>
    public const string DataKey = "^[-._a-zA-Z0-9]+$";
}

/// <summary>Prometheus's name syntaxes, for fields that name a metric or a label.</summary>
public static class MetricPatterns
{
    /// <summary>A metric name (the classic syntax every Prometheus version accepts unquoted).</summary>
    public const string MetricName = "^[a-zA-Z_:][a-zA-Z0-9_:]*$";

    /// <summary>A label name.</summary>
    public const string LabelName = "^[a-zA-Z_][a-zA-Z0-9_]*$";
}

/// <summary>Address syntaxes.</summary>
public static class UrlPatterns
{
    /// <summary>An absolute http or https URL without whitespace.</summary>
    public const string Http = "^https?://[^\\s]+$";
}

/// <summary>String length bounds (<c>minLength</c>/<c>maxLength</c>); -1 leaves a side open.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int minLength = -1, int maxLength = -1) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}

/// <summary>Item count bounds of a list (<c>maxItems</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int maxItems) : Attribute
{
    public int MaxItems { get; } = maxItems;
}

/// <summary>A list whose items are unique by a key field (<c>x-kubernetes-list-type: map</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>An additional printer column for <c>kubectl get</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(int order, string name, string type, string jsonPath) : Attribute
{
    public int Order { get; } = order;
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public string? Description { get; init; }
    public int Priority { get; init; }
}

/// <summary>Short names and categories of the resource.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ResourceNamesAttribute(string plural, string singular, string[] shortNames, string[] categories) : Attribute
{
    public string Plural { get; } = plural;
    public string Singular { get; } = singular;
    public IReadOnlyList<string> ShortNames { get; } = shortNames;
    public IReadOnlyList<string> Categories { get; } = categories;
}

/// <summary>A list without duplicates (<c>x-kubernetes-list-type: set</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListSetAttribute : Attribute;

/// <summary>A string-to-string map whose keys and values are Kubernetes label keys and values (checked beyond the schema).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LabelMapAttribute : Attribute;
