using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Watch;

/// <summary>One line of a watch stream: ADDED/MODIFIED/DELETED with an object, BOOKMARK with a resourceVersion, or ERROR with a Status.</summary>
public sealed record WatchEvent(string Type, StoredObject? Object, long BookmarkResourceVersion = 0, JsonObject? Status = null)
{
    public const string Added = "ADDED";
    public const string Modified = "MODIFIED";
    public const string Deleted = "DELETED";
    public const string Bookmark = "BOOKMARK";
    public const string Error = "ERROR";
}

/// <summary>A committed change kept in the event log for replay: the object before and after.</summary>
public sealed record LoggedChange(long ResourceVersion, StorageKey Resource, string Type, StoredObject Object, StoredObject? Previous);
