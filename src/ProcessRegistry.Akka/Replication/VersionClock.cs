using ProcessRegistry.Akka.Support;
namespace ProcessRegistry.Akka.Replication;

/// <summary>
/// The versions this node gives its writes: its wall clock where that is ahead, and otherwise one
/// more than the last, so they only grow for as long as the node lives, across restarts of its
/// registry actor (the extension holds this) and steps of its wall clock. A peer can then trust
/// that nothing this node ever wrote is newer than <see cref="Last"/>.
/// </summary>
internal sealed class VersionClock(RegistryClock clock)
{
    private long _last;

    /// <summary>The newest version given so far; the registry actor is the only caller.</summary>
    public long Last => _last;

    /// <summary>A version newer than <paramref name="known"/> (the newest this node knows for the key) and than any given before.</summary>
    public long Next(long known)
    {
        _last = Math.Max(clock.WallTicks, Math.Max(known, _last) + 1);
        return _last;
    }
}
