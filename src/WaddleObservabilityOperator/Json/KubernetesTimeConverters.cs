using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace WaddleObservabilityOperator.Json;

/// <summary>
/// Times as the API server writes them (RFC 3339, UTC, microseconds only when there is a fraction) and reads them
/// (RFC 3339 with or without a fraction of up to nine digits). KubernetesClient has the same converters, but internal
/// to its AOT build; these are the ones <see cref="OperatorJson"/> uses in both builds, so both write the same bytes.
/// </summary>
public sealed class KubernetesDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString() ?? throw new JsonException("A time must be a string.");
        return Parse(text);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.ToUniversalTime();
        writer.WriteStringValue(utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
    }

    internal static DateTimeOffset Parse(string text)
    {
        // RFC 3339 allows up to nine fractional digits; .NET parses seven, so longer fractions are cut (not rounded).
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var candidate = text;
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                candidate = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(candidate, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var result)
            ? result
            : throw new JsonException($"'{text}' is not an RFC 3339 time.");
    }
}

/// <inheritdoc cref="KubernetesDateTimeOffsetConverter"/>
public sealed class KubernetesDateTimeConverter : JsonConverter<DateTime>
{
    private static readonly KubernetesDateTimeOffsetConverter Inner = new();

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Inner.Read(ref reader, typeof(DateTimeOffset), options).UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        Inner.Write(writer, value, options);
}

/// <summary>Durations as ISO 8601 (PT30S), as KubernetesClient writes a TimeSpan.</summary>
public sealed class Iso8601TimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        XmlConvert.ToTimeSpan(reader.GetString() ?? throw new JsonException("A duration must be a string."));

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(XmlConvert.ToString(value));
}
