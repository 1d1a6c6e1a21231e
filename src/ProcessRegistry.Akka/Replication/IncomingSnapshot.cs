namespace ProcessRegistry.Akka.Replication;

/// <summary>The parts of one owner's snapshot received so far.</summary>
internal sealed class IncomingSnapshot(long id, TimeSpan started)
{
    public long Id { get; } = id;

    /// <summary>When its first part arrived (monotonic).</summary>
    public TimeSpan Started { get; } = started;

    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    public int NextPart { get; set; }

    /// <summary>No part went missing so far: parts arrive in order, and a gap means some were lost.</summary>
    public bool Complete { get; set; } = true;
}
