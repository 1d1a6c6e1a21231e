using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// Placement following membership: <c>before</c> keys spawned on 3 nodes, then a 4th node joins
/// and <c>after</c> new keys are spawned; reports each node's share of both, and the spawn rates.
/// </summary>
internal static class PlacementBenchmark
{
    public sealed record Figures(double JoinerShare, double LowestShareBefore, double HighestShareBefore, double BeforePerSecond, double AfterPerSecond);

    public static async Task<Figures> Run(int before, int after)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        foreach (var node in cluster.Nodes)
            node.Registry().AddKind("idle", _ => Props.Create<SpawnBenchmark.Idle>());
        var beforeKeys = Enumerable.Range(0, before).Select(i => $"before/{i}").ToArray();
        var beforeRate = await Spawn(cluster.Nodes, beforeKeys);
        var sharesBefore = cluster.Nodes.Select(node => (double)beforeKeys.Count(k => cluster.Nodes[0].Registry().Lookup(k)!.Node.Equals(Cluster.Get(node).SelfAddress)) / before).ToArray();

        await using var joiner = await LoopbackCluster.JoinExisting(Cluster.Get(cluster.Nodes[0]).SelfAddress);
        var joinerNode = joiner.Nodes[0];
        joinerNode.Registry().AddKind("idle", _ => Props.Create<SpawnBenchmark.Idle>());
        ActorSystem[] all = [.. cluster.Nodes, joinerNode];
        while (all.Any(n => Cluster.Get(n).State.Members.Count(m => m.Status == MemberStatus.Up) < 4))
            await Task.Delay(50);

        var afterKeys = Enumerable.Range(0, after).Select(i => $"after/{i}").ToArray();
        var afterRate = await Spawn(all, afterKeys);
        var joinerAddress = Cluster.Get(joinerNode).SelfAddress;
        var share = (double)afterKeys.Count(k => cluster.Nodes[0].Registry().Lookup(k)!.Node.Equals(joinerAddress)) / after;
        return new Figures(share, sharesBefore.Min(), sharesBefore.Max(), beforeRate, afterRate);
    }

    /// <summary>
    /// Spawns the keys from every node in turn, 1,000 at a time; keys per second until the last
    /// spawn completed, then waits until the first node holds every key (to count them there).
    /// </summary>
    private static async Task<double> Spawn(ActorSystem[] from, string[] keys)
    {
        var clock = Stopwatch.StartNew();
        foreach (var chunk in keys.Chunk(1000))
            await Task.WhenAll(chunk.Select((key, i) => from[i % from.Length].Registry().GetPid(key, "idle")));
        var perSecond = keys.Length / clock.Elapsed.TotalSeconds;
        while (keys.Any(key => !from[0].Registry().IsRegistered(key)))
            await Task.Delay(10);
        return perSecond;
    }
}
