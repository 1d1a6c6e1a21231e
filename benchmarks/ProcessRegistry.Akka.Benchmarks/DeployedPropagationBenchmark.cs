using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// Register on node A (this process), time until node C (another OS process) sees it; a third node
/// (another process) makes it three. C reports each arrival with the machine's monotonic clock,
/// which this process reads too.
/// </summary>
internal static class DeployedPropagationBenchmark
{
    /// <summary>One registration at a time, each <paramref name="pace"/> after the previous arrived on C.</summary>
    public static Task<LatencyStats> Run(int count, TimeSpan pace) =>
        WithNodes(async (a, c) => await PropagationBenchmark.MeasureRegistrations(a, count, pace, async key =>
        {
            string[] arrival;
            do arrival = (await c.Expect("ARRIVED")).Split(' ');
            while (arrival[0] != key);
            return long.Parse(arrival[1]);
        }));

    /// <summary>
    /// Registrations at a steady <paramref name="perSecond"/>, each on its due time whether or
    /// not earlier ones arrived (open loop: a slow arrival does not slow the writes down, as it
    /// would not in a real node); the first second's worth warms the path up and is not counted.
    /// </summary>
    public static Task<LatencyStats> RunAtRate(int count, int perSecond) =>
        WithNodes(async (a, c) =>
        {
            var warmUp = perSecond;
            var keys = Enumerable.Range(-warmUp, count + warmUp).Select(i => $"rate/{i}").ToArray();
            var arrivals = Task.Run(async () =>
            {
                var arrived = new Dictionary<string, long>(StringComparer.Ordinal);
                while (arrived.Count < keys.Length)
                {
                    var arrival = (await c.Expect("ARRIVED")).Split(' ');
                    arrived[arrival[0]] = long.Parse(arrival[1]);
                }
                return arrived;
            });
            var started = new long[keys.Length];
            var registrations = new List<Task>(keys.Length);
            var interval = Stopwatch.Frequency / perSecond;
            var begin = Stopwatch.GetTimestamp();
            for (var i = 0; i < keys.Length; i++)
            {
                var due = begin + i * interval;
                while (Stopwatch.GetTimestamp() < due)
                    await Task.Delay(1);
                var pid = a.ActorOf(Props.Empty);
                started[i] = Stopwatch.GetTimestamp();
                registrations.Add(a.Registry().Register(keys[i], pid));
            }
            await Task.WhenAll(registrations);
            var times = await arrivals.WaitAsync(TimeSpan.FromMinutes(1));
            return LatencyStats.Of(Enumerable.Range(warmUp, count).Select(i => Stopwatch.GetElapsedTime(started[i], times[keys[i]]).TotalMilliseconds).ToList());
        });

    /// <summary>Node A in this process and C, observing, in another; a third process makes three nodes.</summary>
    private static async Task<LatencyStats> WithNodes(Func<ActorSystem, NodeProcess, Task<LatencyStats>> measure)
    {
        await using var cluster = await LoopbackCluster.Start(1);
        var a = cluster.Nodes[0];
        // Every node starts the raw sharding region (the spawn benchmark's baseline); its coordinator lives here, on the oldest.
        await RawRegion.Start(a);
        var seed = Cluster.Get(a).SelfAddress.ToString();
        await using var b = DeployedNode.Start(seed, 0, 0, 0);
        await using var c = DeployedNode.Start(seed, 1, 0, 0);
        await b.Expect("UP");
        await c.Expect("UP");
        await c.Send("observe");
        await c.Expect("OBSERVING");
        return await measure(a, c);
    }
}
