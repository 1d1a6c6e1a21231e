using System.Diagnostics.Metrics;

namespace ProcessRegistry.Akka.Diagnostics;

/// <summary>
/// The registry's instruments on the <c>ProcessRegistry.Akka</c> meter, for OpenTelemetry
/// (<c>AddMeter("ProcessRegistry.Akka")</c>) or any MeterListener. Named and measured as
/// OpenTelemetry's conventions ask: durations in seconds, counts in units of what they count. The
/// node is a tag of the meter (one meter per actor system), so it is said once, not on every
/// measurement.
/// </summary>
internal sealed class RegistryMetrics : IDisposable
{
    public const string MeterName = "ProcessRegistry.Akka";

    private readonly Meter _meter;
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
        _meter = new Meter(MeterName, version: null, tags: [new KeyValuePair<string, object?>("node", node)]);
        _meter.CreateObservableGauge("process_registry.entries", () => entries(), unit: "{entry}",
            description: "Entries in this node's replica.");
        _registrations = _meter.CreateCounter<long>("process_registry.registrations", unit: "{registration}",
            description: "Registrations (and metadata updates) written by this node as owner.");
        _unregistrations = _meter.CreateCounter<long>("process_registry.unregistrations", unit: "{entry}",
            description: "Entries this node's view dropped, tagged with the reason.");
        _conflicts = _meter.CreateCounter<long>("process_registry.conflicts", unit: "{conflict}",
            description: "Conflicts this node settled for a process it owns.");
        _lookupHits = _meter.CreateCounter<long>("process_registry.lookups.hits", unit: "{lookup}", description: "GetPid calls that found the key.");
        _lookupMisses = _meter.CreateCounter<long>("process_registry.lookups.misses", unit: "{lookup}", description: "GetPid calls that did not.");
        _refused = _meter.CreateCounter<long>("process_registry.refused", unit: "{message}",
            description: "Messages from other nodes this node refused (not a member, not the owner of a record, ill-formed), tagged with the message kind.");
        _replicationLag = _meter.CreateHistogram<double>("process_registry.replication.duration", unit: "s",
            description: "From an owner's write to this node applying its broadcast (wall clocks of both nodes).");
    }

    public void Registered() => _registrations.Add(1);

    public void Unregistered(UnregisterReason reason) =>
        _unregistrations.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void Conflict() => _conflicts.Add(1);

    /// <summary>How many messages this node refused since it started.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refusedTotal);

    public void Refused(string message)
    {
        Interlocked.Increment(ref _refusedTotal);
        _refused.Add(1, new KeyValuePair<string, object?>("message", message));
    }

    /// <summary>On the lookup path: costs a flag check when nobody listens.</summary>
    public void Lookup(bool hit)
    {
        var counter = hit ? _lookupHits : _lookupMisses;
        if (counter.Enabled) counter.Add(1);
    }

    /// <summary>A record written at <paramref name="writtenAtTicks"/> by its owner's wall clock was applied here at <paramref name="nowTicks"/> by this node's.</summary>
    public void Replicated(long writtenAtTicks, long nowTicks) =>
        _replicationLag.Record(TimeSpan.FromTicks(nowTicks - writtenAtTicks).TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
