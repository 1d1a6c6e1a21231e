using Akka.Actor;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// The keys each watched local process is registered under. Almost every process has one key,
/// so that key is held as it is and a set is made only for a second one: a set per process
/// was a tenth of a node's memory at a million entries.
/// </summary>
internal sealed class KeysByPid
{
    // A string for one key, a HashSet<string> for more.
    private readonly Dictionary<IActorRef, object> _keys = new();

    /// <summary>Adds the key; says whether it is the process's first (so it must be watched).</summary>
    public bool Add(IActorRef pid, string key)
    {
        if (!_keys.TryGetValue(pid, out var held))
        {
            _keys[pid] = key;
            return true;
        }
        if (held is HashSet<string> set)
            set.Add(key);
        else if (!string.Equals((string)held, key, StringComparison.Ordinal))
            _keys[pid] = new HashSet<string>(StringComparer.Ordinal) { (string)held, key };
        return false;
    }

    /// <summary>Removes the key; says whether it was the process's last (so it can be unwatched).</summary>
    public bool Remove(IActorRef pid, string key)
    {
        if (!_keys.TryGetValue(pid, out var held)) return false;
        if (held is HashSet<string> set)
        {
            if (!set.Remove(key) || set.Count > 0) return false;
        }
        else if (!string.Equals((string)held, key, StringComparison.Ordinal))
        {
            return false;
        }
        _keys.Remove(pid);
        return true;
    }

    /// <summary>The process's keys, as a copy the caller may remove keys by while it runs.</summary>
    public IReadOnlyList<string> Of(IActorRef pid) => _keys.TryGetValue(pid, out var held)
        ? held is HashSet<string> set ? set.ToList() : [(string)held]
        : [];
}
