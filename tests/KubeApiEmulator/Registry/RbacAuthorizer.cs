using System.Text.Json.Nodes;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Registry;

/// <summary>Who sent a request: the bearer token's user (see <see cref="AccessReviews"/>), or the emulator's admin.</summary>
public sealed record RequestUser(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>The user of a request without a registered token: allowed everything, as the API server's system:masters.</summary>
    public static readonly RequestUser Admin = new("emulator-admin", ["system:masters", "system:authenticated"]);
}

/// <summary>
/// Answers SelfSubjectAccessReviews and SelfSubjectRulesReviews for the requesting user from the RBAC objects in
/// the store, as the API server's RBAC authorizer does: ClusterRoleBindings grant their ClusterRole everywhere,
/// RoleBindings grant a Role or ClusterRole in their namespace; subjects match by User, Group or ServiceAccount
/// (system:serviceaccount:NS:NAME); rules match by verbs, apiGroups, resources (resource/subresource),
/// resourceNames and nonResourceURLs (exact, or a prefix ending in *), with '*' wildcards. Members of system:masters
/// are allowed everything. Aggregated ClusterRoles are not aggregated (their stored rules count).
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    private static readonly StorageKey Roles = new("rbac.authorization.k8s.io", "roles");
    private static readonly StorageKey ClusterRoles = new("rbac.authorization.k8s.io", "clusterroles");
    private static readonly StorageKey RoleBindings = new("rbac.authorization.k8s.io", "rolebindings");
    private static readonly StorageKey ClusterRoleBindings = new("rbac.authorization.k8s.io", "clusterrolebindings");

    public JsonObject AccessReviewStatus(RequestUser user, JsonObject? spec)
    {
        if (user.Groups.Contains("system:masters"))
        {
            return new JsonObject { ["allowed"] = true, ["reason"] = "the emulator allows members of system:masters everything" };
        }

        if (spec?["nonResourceAttributes"] is JsonObject nonResource)
        {
            var verb = Text(nonResource["verb"]);
            var path = Text(nonResource["path"]);
            return Decide(RulesFor(user, null).Any(rule => Matches(rule["verbs"], verb) && NonResourceMatches(rule["nonResourceURLs"], path)), user, $"{verb} {path}");
        }

        var attributes = spec?["resourceAttributes"] as JsonObject ?? [];
        var ns = Text(attributes["namespace"]);
        var resource = Text(attributes["resource"]);
        var subresource = Text(attributes["subresource"]);
        var name = Text(attributes["name"]);
        var allowed = RulesFor(user, ns.Length == 0 ? null : ns).Any(rule =>
            Matches(rule["verbs"], Text(attributes["verb"]))
            && Matches(rule["apiGroups"], Text(attributes["group"]))
            && Matches(rule["resources"], subresource.Length == 0 ? resource : $"{resource}/{subresource}")
            && (rule["resourceNames"] is not JsonArray { Count: > 0 } names || names.Any(n => Text(n) == name)));
        return Decide(allowed, user, $"{Text(attributes["verb"])} {resource}");
    }

    public JsonObject RulesReviewStatus(RequestUser user, JsonObject? spec)
    {
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        IEnumerable<JsonObject> rules = user.Groups.Contains("system:masters")
            ? [new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") }, new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }]
            : RulesFor(user, Text(spec?["namespace"]) is { Length: > 0 } ns ? ns : null);
        foreach (var rule in rules)
        {
            if (rule["nonResourceURLs"] is JsonArray { Count: > 0 } urls)
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = rule["verbs"]?.DeepClone(), ["nonResourceURLs"] = urls.DeepClone() });
            }
            else
            {
                var copy = new JsonObject { ["verbs"] = rule["verbs"]?.DeepClone(), ["apiGroups"] = rule["apiGroups"]?.DeepClone(), ["resources"] = rule["resources"]?.DeepClone() };
                if (rule["resourceNames"] is JsonArray { Count: > 0 } names)
                {
                    copy["resourceNames"] = names.DeepClone();
                }

                resourceRules.Add(copy);
            }
        }

        return new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false };
    }

    private static JsonObject Decide(bool allowed, RequestUser user, string what) => allowed
        ? new JsonObject { ["allowed"] = true, ["reason"] = $"RBAC: allowed {user.Name} to {what}" }
        : new JsonObject { ["allowed"] = false };

    /// <summary>The rules bound to the user cluster-wide, plus those bound in <paramref name="ns"/>.</summary>
    private IEnumerable<JsonObject> RulesFor(RequestUser user, string? ns)
    {
        var bindings = List(ClusterRoleBindings, null).ToList();
        if (ns is not null)
        {
            bindings.AddRange(List(RoleBindings, ns));
        }

        foreach (var binding in bindings.Where(b => b["subjects"] is JsonArray subjects && subjects.OfType<JsonObject>().Any(s => SubjectMatches(s, user, Text(b["metadata"]?["namespace"])))))
        {
            var roleRef = binding["roleRef"];
            var role = Text(roleRef?["kind"]) == "Role"
                ? store.Get(Roles, new ObjectKey(Text(binding["metadata"]?["namespace"]), Text(roleRef?["name"])))
                : store.Get(ClusterRoles, new ObjectKey("", Text(roleRef?["name"])));
            if (role?.ToJsonObject()["rules"] is JsonArray rules)
            {
                foreach (var rule in rules.OfType<JsonObject>())
                {
                    yield return rule;
                }
            }
        }
    }

    private IEnumerable<JsonObject> List(StorageKey key, string? ns) =>
        store.List(key, new ObjectFilter(ns, LabelSelector.Everything, FieldSelector.Everything)).Items.Select(o => o.ToJsonObject());

    private static bool SubjectMatches(JsonObject subject, RequestUser user, string bindingNamespace) => Text(subject["kind"]) switch
    {
        "User" => Text(subject["name"]) == user.Name,
        "Group" => user.Groups.Contains(Text(subject["name"])),
        "ServiceAccount" => user.Name == $"system:serviceaccount:{(Text(subject["namespace"]) is { Length: > 0 } ns ? ns : bindingNamespace)}:{Text(subject["name"])}",
        _ => false,
    };

    private static bool Matches(JsonNode? allowed, string value) =>
        allowed is JsonArray list && list.Any(item => Text(item) is "*" || Text(item) == value);

    private static bool NonResourceMatches(JsonNode? urls, string path) =>
        urls is JsonArray list && list.Select(Text).Any(url => url == "*" || url == path || (url.EndsWith('*') && path.StartsWith(url[..^1], StringComparison.Ordinal)));

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
