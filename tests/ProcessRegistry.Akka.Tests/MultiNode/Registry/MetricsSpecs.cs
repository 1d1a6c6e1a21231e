using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

public sealed class MetricsSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task The_ProcessRegistry_Akka_meter_reports_entries_writes_removals_lookups_and_replication_time()
    {
        var nodes = await StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        using var onA = new NodeMeasurements(AddressOf(a).ToString());
        using var onB = new NodeMeasurements(AddressOf(b).ToString());

        await a.Registry().Register("metrics/1", SpawnProcess(a));
        await a.Registry().Register("metrics/2", SpawnProcess(a));
        a.Registry().GetPid("metrics/1");
        a.Registry().GetPid("metrics/absent");
        await AwaitAssertAsync(() => Assert.Equal(2, b.Registry().Count), Patience);
        await a.Registry().Unregister("metrics/2");

        Assert.Equal(2, onA.Sum("process_registry.registrations"));
        Assert.Equal(1, onA.Sum("process_registry.lookups.hits"));
        Assert.Equal(1, onA.Sum("process_registry.lookups.misses"));
        Assert.Equal(1, onA.Sum("process_registry.unregistrations", ("reason", "Unregistered")));
        await AwaitAssertAsync(() => Assert.True(onB.Count("process_registry.replication.duration") >= 2), Patience);
        // OpenTelemetry's conventions: a duration in seconds; the node said once, by the meter.
        Assert.Equal("s", onB.Unit("process_registry.replication.duration"));
        Assert.InRange(onB.Max("process_registry.replication.duration"), 0, Patience.TotalSeconds);
        Assert.True(onA.NoMeasurementCarries("node"));
        Assert.Equal(0, onB.Sum("process_registry.registrations"));
        onA.Observe();
        Assert.Equal(1, onA.Last("process_registry.entries"));
    }

    /// <summary>Listens to one node's instruments only (the meter's node tag), as an OpenTelemetry exporter would.</summary>
    private sealed class NodeMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
        private readonly ConcurrentDictionary<string, string?> _units = new();

        public NodeMeasurements(string node)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "ProcessRegistry.Akka" &&
                    instrument.Meter.Tags?.Any(t => t.Key == "node" && Equals(t.Value, node)) == true)
                {
                    _units[instrument.Name] = instrument.Unit;
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public void Observe() => _listener.RecordObservableInstruments();

        public double Sum(string instrument, (string Key, string Value)? tag = null) =>
            _measurements.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag.Value.Key), tag.Value.Value)))
                .Sum(m => m.Value);

        public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

        public double Last(string instrument) => _measurements.Last(m => m.Instrument == instrument).Value;

        public double Max(string instrument) => _measurements.Where(m => m.Instrument == instrument).Max(m => m.Value);

        public string? Unit(string instrument) => _units.GetValueOrDefault(instrument);

        public bool NoMeasurementCarries(string tag) => _measurements.All(m => !m.Tags.ContainsKey(tag));

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copied = new Dictionary<string, object?>();
            foreach (var tag in tags) copied[tag.Key] = tag.Value;
            _measurements.Enqueue((instrument.Name, value, copied));
        }
    }
}
