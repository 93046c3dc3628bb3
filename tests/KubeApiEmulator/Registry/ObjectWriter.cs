using System.Text.Json.Nodes;
using KubeApiEmulator.Crds;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Registry;

/// <summary>
/// The API server's write semantics on top of the store: server-owned metadata, optimistic concurrency, the status
/// subresource split, generation, finalizers and deletionTimestamp, no-op detection and validation.
/// </summary>
internal sealed class ObjectWriter(ObjectStore store, TimeProvider time, CustomResourceDefinitions crds, CustomResourceValidation validation)
{
    private const string Orphan = "orphan";
    private const string ForegroundDeletion = "foregroundDeletion";

    public ObjectStore Store => store;

    /// <summary>How TokenReviews and SubjectAccessReviews are answered.</summary>
    public AccessReviews Reviews { get; } = new();

    public StoredObject Create(ResourceType type, string ns, JsonObject body, WriteOptions options)
    {
        var obj = (JsonObject)body.DeepClone();
        SetTypeIdentity(type, obj);
        var metadata = Metadata(obj);
        var bodyNamespace = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            metadata["namespace"] = ns;
        }
        else
        {
            metadata.Remove("namespace");
        }

        var name = metadata["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0 && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            name = ObjectNames.Generate(prefix);
            metadata["name"] = name;
        }

        if (type.IsReview)
        {
            return Review(type, obj, options.User);
        }

        if (metadata["resourceVersion"]?.GetValue<string>() is { Length: > 0 })
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }

        if (name.Length == 0)
        {
            throw ApiException.Invalid(type, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
        }

        lock (store.Gate)
        {
            if (type.Namespaced)
            {
                RequireWritableNamespace(ns);
            }

            if (store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", name)) is not null)
            {
                throw ApiException.AlreadyExists(type, name);
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata.Remove("resourceVersion");
            metadata.Remove("deletionTimestamp");
            metadata.Remove("deletionGracePeriodSeconds");
            metadata.Remove("generation");
            if (type.TracksGeneration || type.IsCustom)
            {
                metadata["generation"] = 1;
            }

            if (type.HasStatus)
            {
                obj.Remove("status");
            }

            if (IsNamespace(type))
            {
                obj["status"] = new JsonObject { ["phase"] = "Active" };
            }

            ReorderMetadata(obj);
            var errors = new List<FieldError>();
            if (ObjectNames.Validate(type, name) is { } nameError)
            {
                errors.Add(nameError);
            }

            errors.AddRange(Validate(type, obj, options));
            if (errors.Count > 0)
            {
                throw ApiException.Invalid(type, name, errors);
            }

            if (options.DryRun)
            {
                return StoredObject.From(type, obj);
            }

            var stored = store.Put(type, obj);
            crds.Committed(type, stored);
            return stored;
        }
    }

    /// <summary>PUT of the main resource or of /status.</summary>
    public StoredObject Update(ResourceType type, string ns, string name, string? subresource, JsonObject body, WriteOptions options)
    {
        var obj = (JsonObject)body.DeepClone();
        var metadata = Metadata(obj);
        var bodyName = metadata["name"]?.GetValue<string>() ?? "";
        if (bodyName.Length > 0 && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        if (type.Namespaced && metadata["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        lock (store.Gate)
        {
            var current = store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", name))
                ?? throw ApiException.NotFound(type, name);
            var requested = metadata["resourceVersion"]?.GetValue<string>() ?? "";
            if (requested.Length == 0 && type.IsCustom)
            {
                throw ApiException.Invalid(type, name, [new FieldError("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")]);
            }

            return Commit(type, current, obj, subresource, options);
        }
    }

    /// <summary>
    /// PATCH: <paramref name="patch"/> turns the current object (null when missing) into the proposed one. A missing
    /// object is created only when <paramref name="createIfMissing"/> (server-side apply).
    /// </summary>
    public StoredObject Patch(ResourceType type, string ns, string name, string? subresource, Func<JsonObject?, JsonObject> patch, bool createIfMissing, WriteOptions options)
    {
        StoredObject? current;
        lock (store.Gate)
        {
            current = store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", name));
            if (current is not null)
            {
                var proposed = patch(current.ToJsonObject());
                var proposedName = proposed["metadata"]?["name"]?.GetValue<string>();
                if (proposedName is not null && proposedName != name)
                {
                    throw ApiException.BadRequest($"the name of the object ({proposedName}) does not match the name on the URL ({name})");
                }

                return Commit(type, current, proposed, subresource, options);
            }
        }

        if (!createIfMissing || subresource is not null)
        {
            throw ApiException.NotFound(type, name);
        }

        var created = patch(null);
        var createdMetadata = Metadata(created);
        createdMetadata["name"] = name;
        createdMetadata.Remove("resourceVersion");
        return Create(type, ns, created, options);
    }

    public DeleteOutcome Delete(ResourceType type, string ns, string name, DeleteOptions options)
    {
        lock (store.Gate)
        {
            var current = store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", name))
                ?? throw ApiException.NotFound(type, name);
            if (options.PreconditionUid is { Length: > 0 } uid && uid != current.Uid)
            {
                throw ApiException.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            }

            if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != current.ResourceVersion.ToString())
            {
                throw ApiException.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}");
            }

            var obj = current.ToJsonObject();
            var metadata = Metadata(obj);
            var finalizers = current.Finalizers.ToList();
            switch (options.PropagationPolicy)
            {
                case "Orphan":
                    finalizers.Remove(ForegroundDeletion);
                    AddOnce(finalizers, Orphan);
                    break;
                case "Foreground":
                    finalizers.Remove(Orphan);
                    AddOnce(finalizers, ForegroundDeletion);
                    break;
                case null or "" or "Background":
                    break;
                default:
                    throw ApiException.Invalid(type, name, [new FieldError("propagationPolicy", "FieldValueNotSupported", $"Unsupported value: \"{options.PropagationPolicy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")]);
            }

            if (IsNamespace(type))
            {
                if (name is "default" or "kube-system" or "kube-public")
                {
                    throw new ApiException(403, "Forbidden", $"namespaces \"{name}\" is forbidden: this namespace may not be deleted",
                        new JsonObject { ["name"] = name, ["kind"] = "namespaces" });
                }

                obj["status"] = new JsonObject { ["phase"] = "Terminating" };
            }
            else if (finalizers.Count == 0)
            {
                if (options.DryRun)
                {
                    return new DeleteOutcome(current, true);
                }

                var removed = store.Remove(current);
                crds.Removed(type, removed);
                return new DeleteOutcome(removed, true);
            }

            metadata["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]);
            if (finalizers.Count == 0)
            {
                metadata.Remove("finalizers");
            }

            if (!current.IsDeleting)
            {
                metadata["deletionTimestamp"] = Now();
                metadata["deletionGracePeriodSeconds"] = 0;
                if (metadata["generation"] is JsonValue generation)
                {
                    metadata["generation"] = generation.GetValue<long>() + 1;
                }
            }

            if (options.DryRun || JsonNode.DeepEquals(obj, current.ToJsonObject()))
            {
                return new DeleteOutcome(current, false);
            }

            return new DeleteOutcome(store.Put(type, obj), false);
        }
    }

    /// <summary>Removes an object whose deletion nothing blocks any more (namespace cleanup, garbage collection).</summary>
    internal StoredObject? RemoveNow(StoredObject target)
    {
        lock (store.Gate)
        {
            var current = store.Get(target.Type.StorageKey, target.Key);
            if (current is null || current.Uid != target.Uid)
            {
                return null;
            }

            var removed = store.Remove(current);
            crds.Removed(current.Type, removed);
            return removed;
        }
    }

    /// <summary>Writes a changed copy of the current object through the normal update rules (finalizer removal etc.).</summary>
    internal StoredObject? Mutate(StoredObject target, Func<JsonObject, JsonObject> change, string? subresource = null)
    {
        lock (store.Gate)
        {
            var current = store.Get(target.Type.StorageKey, target.Key);
            if (current is null || current.Uid != target.Uid)
            {
                return null;
            }

            var obj = change(current.ToJsonObject());
            return Commit(current.Type, current, obj, subresource, WriteOptions.Default with { FieldValidation = "Ignore" });
        }
    }

    private StoredObject Commit(ResourceType type, StoredObject current, JsonObject proposed, string? subresource, WriteOptions options)
    {
        var name = current.Name;
        var requested = proposed["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
        if (requested.Length > 0 && requested != current.ResourceVersion.ToString())
        {
            throw ApiException.StaleResourceVersion(type, name);
        }

        var old = current.ToJsonObject();
        JsonObject next;
        if (subresource == "status")
        {
            // Only status changes through /status; everything else stays as stored.
            next = (JsonObject)old.DeepClone();
            if (proposed["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = (JsonObject)proposed.DeepClone();
            if (type.HasStatus)
            {
                next.Remove("status");
                if (old["status"] is { } oldStatus)
                {
                    next["status"] = oldStatus.DeepClone();
                }
            }
        }

        SetTypeIdentity(type, next);
        var metadata = Metadata(next);
        var oldMetadata = Metadata(old);
        foreach (var field in new[] { "uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion" })
        {
            metadata.Remove(field);
            if (oldMetadata[field] is { } value)
            {
                metadata[field] = value.DeepClone();
            }
        }

        if (metadata["managedFields"] is null && oldMetadata["managedFields"] is { } managed)
        {
            metadata["managedFields"] = managed.DeepClone();
        }

        var finalizers = metadata["finalizers"] is JsonArray list ? list.Select(f => f?.GetValue<string>() ?? "").ToList() : [];
        if (finalizers.Count == 0)
        {
            metadata.Remove("finalizers");
        }

        var errors = new List<FieldError>();
        if (current.IsDeleting)
        {
            var added = finalizers.Where(f => !current.Finalizers.Contains(f)).ToList();
            if (added.Count > 0)
            {
                errors.Add(FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(a => $"\"{a}\""))}}}"));
            }
        }

        if ((type.TracksGeneration || type.IsCustom) && SpecChanged(type, old, next))
        {
            metadata["generation"] = (oldMetadata["generation"]?.GetValue<long>() ?? 0) + 1;
        }

        ReorderMetadata(next);
        errors.AddRange(Validate(type, next, options));
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, name, errors);
        }

        if (JsonNode.DeepEquals(next, old))
        {
            return current;
        }

        if (options.DryRun)
        {
            return StoredObject.From(type, next);
        }

        if (current.IsDeleting && finalizers.Count == 0 && !IsNamespace(type))
        {
            var removed = store.Remove(current, next);
            crds.Removed(type, removed);
            return removed;
        }

        var stored = store.Put(type, next);
        crds.Committed(type, stored);
        return stored;
    }

    private IEnumerable<FieldError> Validate(ResourceType type, JsonObject obj, WriteOptions options)
    {
        var metadata = MetadataValidation.Validate(type, obj).ToList();
        var schema = type.IsCustom ? validation.Validate(type, obj, options.StrictFields) : crds.Validate(type, obj);
        return [.. metadata, .. schema];
    }

    /// <summary>generation moves when anything outside metadata (and outside status when /status exists) changes.</summary>
    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject next)
    {
        static JsonObject Strip(JsonObject obj, bool withoutStatus)
        {
            var copy = (JsonObject)obj.DeepClone();
            copy.Remove("metadata");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            if (withoutStatus)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return !JsonNode.DeepEquals(Strip(old, type.HasStatus), Strip(next, type.HasStatus));
    }

    private void RequireWritableNamespace(string ns)
    {
        var namespaceType = new ResourceType("", "v1", "namespaces", "namespace", "Namespace", false);
        var found = store.Get(namespaceType.StorageKey, new ObjectKey("", ns)) ?? throw ApiException.NotFound(namespaceType, ns);
        if (found.IsDeleting)
        {
            throw new ApiException(403, "Forbidden", $"unable to create new content in namespace {ns} because it is being terminated",
                new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "NamespaceTerminating", ["message"] = $"namespace {ns} is being terminated", ["field"] = "metadata.namespace" }) });
        }
    }

    private StoredObject Review(ResourceType type, JsonObject obj, RequestUser user)
    {
        var spec = obj["spec"] as JsonObject;
        var rbac = new RbacAuthorizer(store);
        obj["status"] = type.Kind switch
        {
            "TokenReview" => Reviews.TokenReviewStatus(spec),
            "SelfSubjectAccessReview" => rbac.AccessReviewStatus(user, spec),
            "SelfSubjectRulesReview" => rbac.RulesReviewStatus(user, spec),
            _ => Reviews.SubjectAccessReviewStatus(spec),
        };
        return StoredObject.From(type, obj);
    }

    private static void SetTypeIdentity(ResourceType type, JsonObject obj)
    {
        var kind = obj["kind"]?.GetValue<string>();
        if (kind is not null && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind of the provided object ({kind}) does not match the resource ({type.Kind})");
        }

        if (kind is null && type.IsCustom)
        {
            throw ApiException.BadRequest($"Object 'Kind' is missing in '{obj.ToJsonString(Http.WireJson.Options)}'");
        }

        obj.Remove("apiVersion");
        obj.Remove("kind");
        var rest = obj.ToList();
        obj.Clear();
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        foreach (var (key, value) in rest)
        {
            obj[key] = value;
        }
    }

    /// <summary>Keeps "metadata" right after apiVersion and kind, as the API server writes it.</summary>
    private static void ReorderMetadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            return;
        }

        var rest = obj.Where(p => p.Key is not ("apiVersion" or "kind" or "metadata")).ToList();
        var apiVersion = obj["apiVersion"];
        var kind = obj["kind"];
        obj.Clear();
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        obj["metadata"] = metadata;
        foreach (var (key, value) in rest)
        {
            obj[key] = value;
        }
    }

    private static bool IsNamespace(ResourceType type) => type.Plural == "namespaces" && type.Group.Length == 0;

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    private static void AddOnce(List<string> finalizers, string finalizer)
    {
        if (!finalizers.Contains(finalizer))
        {
            finalizers.Add(finalizer);
        }
    }

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
