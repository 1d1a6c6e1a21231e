using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// Register on node A, time until node C's local view has it; next to a plain DData
/// LWWDictionary with default settings (the user's replicator) written on A in the same run, and
/// seen on C two ways: by a subscriber, which DData notifies once per notify-subscribers-interval
/// (500 ms), so that is what it measures; and by polling C's replica with Get(ReadLocal), which
/// measures replication itself, like for like with the registry's view.
/// </summary>
internal static class PropagationBenchmark
{
    public static async Task<IReadOnlyList<(string Name, LatencyStats Stats)>> Run(int count, TimeSpan pace)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (a, c) = (cluster.Nodes[0], cluster.Nodes[2]);

        var results = new List<(string, LatencyStats)>
        {
            ("ProcessRegistry.Akka (owner broadcast)", await MeasureRegistry(a, c, count, pace)),
            ("DData defaults, WriteLocal, C's subscriber", await MeasureDData(a, c, "bench-local", WriteLocal.Instance, count, pace)),
            ("DData defaults, WriteAll, C's subscriber", await MeasureDData(a, c, "bench-all", new WriteAll(TimeSpan.FromSeconds(3)), count, pace)),
            ("DData defaults, WriteAll, C polls Get(ReadLocal)", await MeasureDDataPolled(a, c, "bench-polled", new WriteAll(TimeSpan.FromSeconds(3)), count, pace)),
        };
        return results;
    }

    private static Task<LatencyStats> MeasureRegistry(ActorSystem a, ActorSystem c, int count, TimeSpan pace)
    {
        var clock = new ArrivalClock();
        c.Registry().Subscribe(c.ActorOf(Props.Create(() => new RegistrationObserver(clock))));
        return MeasureRegistrations(a, count, pace, key => clock.WhenArrived(key).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// Registers on <paramref name="a"/> one key at a time, each after the previous arrived and
    /// <paramref name="pace"/>; <paramref name="arrival"/> gives the Stopwatch timestamp at which
    /// the observing node had a key.
    /// </summary>
    public static async Task<LatencyStats> MeasureRegistrations(ActorSystem a, int count, TimeSpan pace, Func<string, Task<long>> arrival)
    {
        var latencies = new List<double>();
        for (var i = -20; i < count; i++) // the first 20 warm the path up and are not counted
        {
            var key = $"propagation/{i}";
            var pid = a.ActorOf(Props.Empty);
            var start = Stopwatch.GetTimestamp();
            await a.Registry().Register(key, pid);
            var arrived = await arrival(key);
            if (i >= 0) latencies.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
            await Task.Delay(pace);
        }
        return LatencyStats.Of(latencies);
    }

    private static async Task<LatencyStats> MeasureDData(ActorSystem a, ActorSystem c, string id, IWriteConsistency consistency, int count, TimeSpan pace)
    {
        var key = new LWWDictionaryKey<string, string>(id);
        var clock = new ArrivalClock();
        var observer = c.ActorOf(Props.Create(() => new DDataObserver(clock, key)));
        DistributedData.Get(c).Replicator.Tell(Dsl.Subscribe(key, observer));
        var replicator = DistributedData.Get(a).Replicator;
        var self = Cluster.Get(a);
        var pending = new List<Task<double>>();
        for (var i = 0; i < count; i++)
        {
            var entry = $"{id}/{i}";
            var start = Stopwatch.GetTimestamp();
            replicator.Tell(Dsl.Update(key, LWWDictionary<string, string>.Empty, consistency, d => d.SetItem(self, entry, "v")));
            pending.Add(clock.WhenArrived(entry).ContinueWith(t => Stopwatch.GetElapsedTime(start, t.Result).TotalMilliseconds));
            await Task.Delay(pace);
        }
        return LatencyStats.Of(await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(2)));
    }

    private static async Task<LatencyStats> MeasureDDataPolled(ActorSystem a, ActorSystem c, string id, IWriteConsistency consistency, int count, TimeSpan pace)
    {
        var key = new LWWDictionaryKey<string, string>(id);
        var (writer, reader) = (DistributedData.Get(a).Replicator, DistributedData.Get(c).Replicator);
        var self = Cluster.Get(a);
        var latencies = new List<double>();
        for (var i = -20; i < count; i++) // the first 20 warm the path up and are not counted
        {
            var entry = $"{id}/{i}";
            var start = Stopwatch.GetTimestamp();
            writer.Tell(Dsl.Update(key, LWWDictionary<string, string>.Empty, consistency, d => d.SetItem(self, entry, "v")));
            while (await reader.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), TimeSpan.FromSeconds(5)) is not GetSuccess success
                   || !success.Get(key).ContainsKey(entry))
            {
            }
            if (i >= 0) latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await Task.Delay(pace);
        }
        return LatencyStats.Of(latencies);
    }

    private sealed class RegistrationObserver : ReceiveActor
    {
        public RegistrationObserver(ArrivalClock clock) => Receive<ProcessRegistered>(e => clock.Arrived(e.Key));
    }

    private sealed class DDataObserver : ReceiveActor
    {
        public DDataObserver(ArrivalClock clock, LWWDictionaryKey<string, string> key) =>
            Receive<Changed>(changed =>
            {
                foreach (var entry in changed.Get(key).Keys)
                    clock.Arrived(entry);
            });
    }
}
