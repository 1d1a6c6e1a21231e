using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A graceful leave with state: 3 nodes hold processes of a kind that hands off; the third leaves.
/// From the moment it is asked to leave, the time until every one of its keys is registered on a
/// survivor, and until every one of them has answered from there with the state it had.
/// </summary>
internal static class HandOffBenchmark
{
    public sealed record Figures(int Moved, TimeSpan AllRegistered, TimeSpan AllAnswered, int StateKept);

    public static async Task<Figures> Run(int keys)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (a, c) = (cluster.Nodes[0], cluster.Nodes[2]);
        var leaving = Cluster.Get(c).SelfAddress;
        foreach (var node in cluster.Nodes)
            node.Registry().AddKind("counter", _ => Props.Create<Counter>(), new SpawnKindOptions { HandOff = true });
        var names = Enumerable.Range(0, keys).Select(i => $"counter/{i}").ToArray();
        foreach (var chunk in names.Chunk(1000))
            await Task.WhenAll(chunk.Select((key, i) => cluster.Nodes[i % 3].Registry().GetPid(key, "counter")));
        while (names.Any(key => !a.Registry().IsRegistered(key)))
            await Task.Delay(10);
        var onC = names.Where(key => leaving.Equals(a.Registry().Lookup(key)!.Node)).ToArray();
        // Each counter of the leaving node counts to 3 first: the state that must move.
        foreach (var key in onC)
        {
            for (var i = 0; i < 3; i++)
                a.Registry().GetPid(key)!.Tell("inc");
        }
        await Task.WhenAll(onC.Select(key => a.Registry().GetPid(key)!.Ask<int>("get", TimeSpan.FromMinutes(1))));

        var clock = Stopwatch.StartNew();
        var left = Cluster.Get(c).LeaveAsync();
        while (onC.Any(key => a.Registry().Lookup(key) is not { } entry || entry.Node.Equals(leaving)))
            await Task.Delay(1);
        var registered = clock.Elapsed;
        var counts = await Task.WhenAll(onC.Select(key => a.Registry().GetPid(key)!.Ask<int>("get", TimeSpan.FromMinutes(1))));
        var answered = clock.Elapsed;
        await left.WaitAsync(TimeSpan.FromMinutes(1));
        return new Figures(onC.Length, registered, answered, counts.Count(count => count == 3));
    }

    public sealed record Rebalanced(int Moved, TimeSpan Elapsed, int StateKept);

    /// <summary>
    /// Rebalancing: <paramref name="keys"/> counters (each at 3) on 2 nodes with rebalancing on, then
    /// a third joins; the time from its joining until it holds every key placement now puts on it,
    /// and how many of those kept their count.
    /// </summary>
    public static async Task<Rebalanced> Rebalance(int keys, int movesPerSecond)
    {
        var config = $"akka.cluster.process-registry.spawn.rebalance {{ enabled = on, moves-per-second = {movesPerSecond} }}";
        await using var cluster = await LoopbackCluster.Start(2, config);
        var a = cluster.Nodes[0];
        foreach (var node in cluster.Nodes)
            node.Registry().AddKind("counter", _ => Props.Create<Counter>(), new SpawnKindOptions { HandOff = true });
        var names = Enumerable.Range(0, keys).Select(i => $"counter/{i}").ToArray();
        foreach (var chunk in names.Chunk(1000))
            await Task.WhenAll(chunk.Select((key, i) => cluster.Nodes[i % 2].Registry().GetPid(key, "counter")));
        foreach (var key in names)
        {
            for (var i = 0; i < 3; i++)
                a.Registry().RefFor(key, "counter").Tell("inc");
        }
        await Task.WhenAll(names.Select(key => a.Registry().RefFor(key, "counter").Ask<int>("get", TimeSpan.FromMinutes(1))));

        var clock = Stopwatch.StartNew();
        await using var joining = await LoopbackCluster.JoinExisting(Cluster.Get(a).SelfAddress, config);
        var joiner = joining.Nodes[0];
        joiner.Registry().AddKind("counter", _ => Props.Create<Counter>(), new SpawnKindOptions { HandOff = true });
        var joinerAddress = Cluster.Get(joiner).SelfAddress;
        while (Cluster.Get(a).State.Members.Count(m => m.Status == MemberStatus.Up) < 3)
            await Task.Delay(5);
        // Where placement puts each key among the three: the joiner's share is what must move.
        var members = Cluster.Get(a).State.Members.Select(m => (m, Spawning.Placement.WeightOf(m))).ToList();
        var toJoiner = names.Where(key => joinerAddress.Equals(Spawning.Placement.NodeFor(key, members))).ToArray();
        while (toJoiner.Any(key => !joinerAddress.Equals(a.Registry().Lookup(key)?.Node)))
            await Task.Delay(5);
        var elapsed = clock.Elapsed;
        var counts = await Task.WhenAll(toJoiner.Select(key => a.Registry().RefFor(key, "counter").Ask<int>("get", TimeSpan.FromMinutes(1))));
        return new Rebalanced(toJoiner.Length, elapsed, counts.Count(count => count == 3));
    }

    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter()
        {
            Receive<string>(message => message == "inc", _ => _count++);
            Receive<string>(message => message == "get", _ => Sender.Tell(_count));
            Receive<HandOff>(_ => Sender.Tell(_count));
            Receive<int>(state => _count = state);
        }
    }
}
