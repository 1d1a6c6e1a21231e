using System.Diagnostics.Metrics;

namespace ProcessRegistry.Akka.Diagnostics;

/// <summary>
/// The registry's instruments on the <c>ProcessRegistry.Akka</c> meter, tagged with this node's
/// address, for OpenTelemetry (<c>AddMeter("ProcessRegistry.Akka")</c>) or any MeterListener.
/// </summary>
internal sealed class RegistryMetrics : IDisposable
{
    public const string MeterName = "ProcessRegistry.Akka";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _node;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _unregistrations;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _lookupHits;
    private readonly Counter<long> _lookupMisses;
    private readonly Histogram<double> _replicationLag;
    private readonly Counter<long> _refused;
    private long _refusedTotal;

    public RegistryMetrics(string node, Func<int> entries)
    {
        _node = new KeyValuePair<string, object?>("node", node);
        // One meter per actor system; its tag tells listeners which node's instruments these are.
        _meter = new Meter(MeterName, version: null, tags: [_node]);
        _meter.CreateObservableGauge("process_registry.entries", () => new Measurement<int>(entries(), _node),
            description: "Entries in this node's replica.");
        _registrations = _meter.CreateCounter<long>("process_registry.registrations",
            description: "Registrations (and metadata updates) written by this node as owner.");
        _unregistrations = _meter.CreateCounter<long>("process_registry.unregistrations",
            description: "Entries this node's view dropped, tagged with the reason.");
        _conflicts = _meter.CreateCounter<long>("process_registry.conflicts",
            description: "Conflicts this node settled for a process it owns.");
        _lookupHits = _meter.CreateCounter<long>("process_registry.lookups.hits", description: "GetPid calls that found the key.");
        _lookupMisses = _meter.CreateCounter<long>("process_registry.lookups.misses", description: "GetPid calls that did not.");
        _refused = _meter.CreateCounter<long>("process_registry.refused",
            description: "Messages from other nodes this node refused (not a member, not the owner of a record, ill-formed), tagged with the message kind.");
        _replicationLag = _meter.CreateHistogram<double>("process_registry.replication.lag", unit: "ms",
            description: "From an owner's write to this node applying it (wall clocks of both nodes).");
    }

    public void Registered() => _registrations.Add(1, _node);

    public void Unregistered(UnregisterReason reason) =>
        _unregistrations.Add(1, _node, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void Conflict() => _conflicts.Add(1, _node);

    /// <summary>How many messages this node refused since it started.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refusedTotal);

    public void Refused(string message)
    {
        Interlocked.Increment(ref _refusedTotal);
        _refused.Add(1, _node, new KeyValuePair<string, object?>("message", message));
    }

    /// <summary>On the lookup path: costs a flag check when nobody listens.</summary>
    public void Lookup(bool hit)
    {
        var counter = hit ? _lookupHits : _lookupMisses;
        if (counter.Enabled) counter.Add(1, _node);
    }

    /// <summary>A record written at <paramref name="writtenAtTicks"/> by its owner's wall clock was applied here at <paramref name="nowTicks"/> by this node's.</summary>
    public void Replicated(long writtenAtTicks, long nowTicks) =>
        _replicationLag.Record(TimeSpan.FromTicks(nowTicks - writtenAtTicks).TotalMilliseconds, _node);

    public void Dispose() => _meter.Dispose();
}
