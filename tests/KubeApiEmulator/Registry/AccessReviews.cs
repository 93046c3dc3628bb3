using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Registry;

/// <summary>
/// How the emulator answers TokenReviews and SubjectAccessReviews. Until a test registers a token, every token is
/// valid and every request allowed (no authentication is emulated); once one is registered, only registered tokens
/// authenticate, and a SubjectAccessReview is allowed only for a (user, verb, path or resource) a test allowed.
/// </summary>
public sealed class AccessReviews
{
    private readonly ConcurrentDictionary<string, (string User, string[] Groups)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string User, string Verb, string Target), bool> _allowed = new();

    /// <summary>Makes <paramref name="token"/> authenticate as <paramref name="user"/> (and switches reviews to enforcing).</summary>
    public void AddToken(string token, string user, params string[] groups) =>
        _tokens[token] = (user, [.. groups, "system:authenticated"]);

    /// <summary>Allows <paramref name="user"/> to <paramref name="verb"/> the non-resource URL <paramref name="path"/> (e.g. get /metrics).</summary>
    public void AllowNonResource(string user, string verb, string path) => _allowed[(user, verb, path)] = true;

    private bool Enforcing => !_tokens.IsEmpty;

    /// <summary>The user a bearer token was registered for, or null.</summary>
    internal RequestUser? UserForToken(string token) =>
        _tokens.TryGetValue(token, out var user) ? new RequestUser(user.User, user.Groups) : null;

    internal JsonObject TokenReviewStatus(JsonObject? spec)
    {
        if (!Enforcing)
        {
            return new JsonObject { ["authenticated"] = true, ["user"] = new JsonObject { ["username"] = "emulator-admin", ["groups"] = new JsonArray("system:masters", "system:authenticated") } };
        }

        var token = spec?["token"]?.GetValue<string>() ?? "";
        return _tokens.TryGetValue(token, out var user)
            ? new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject { ["username"] = user.User, ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)g)]) },
            }
            : new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" };
    }

    internal JsonObject SubjectAccessReviewStatus(JsonObject? spec)
    {
        if (!Enforcing)
        {
            return new JsonObject { ["allowed"] = true, ["reason"] = "the emulator authorizes every request" };
        }

        var user = spec?["user"]?.GetValue<string>() ?? "";
        var nonResource = spec?["nonResourceAttributes"];
        var verb = nonResource?["verb"]?.GetValue<string>() ?? spec?["resourceAttributes"]?["verb"]?.GetValue<string>() ?? "";
        var target = nonResource?["path"]?.GetValue<string>() ?? "";
        return _allowed.ContainsKey((user, verb, target))
            ? new JsonObject { ["allowed"] = true, ["reason"] = $"the test allowed {user} to {verb} {target}" }
            : new JsonObject { ["allowed"] = false, ["reason"] = $"{user} may not {verb} {target}" };
    }
}
