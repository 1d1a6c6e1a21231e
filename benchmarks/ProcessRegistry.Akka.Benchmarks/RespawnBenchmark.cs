using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A downed node's keys coming back: 3 nodes hold processes of a durable kind and of a plain one;
/// the third node is downed. From its removal (as the first node sees it), the time until every
/// durable key of it runs again on a survivor with nobody calling, and until a caller on the first
/// node got a live process for every plain key of it.
/// </summary>
internal static class RespawnBenchmark
{
    public sealed record Figures(int DurableKeys, int PlainKeys, TimeSpan DownToRemoved, TimeSpan DurableBack, TimeSpan PlainBack);

    public static async Task<Figures> Run(int keysPerKind)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var (a, c) = (cluster.Nodes[0], cluster.Nodes[2]);
        var gone = Cluster.Get(c).SelfAddress;
        foreach (var node in cluster.Nodes)
        {
            node.Registry().AddKind("durable", _ => Props.Create<SpawnBenchmark.Idle>(), new SpawnKindOptions { Durable = true });
            node.Registry().AddKind("plain", _ => Props.Create<SpawnBenchmark.Idle>());
        }
        var durable = await Spawn(cluster.Nodes, "durable", keysPerKind);
        var plain = await Spawn(cluster.Nodes, "plain", keysPerKind);
        var durableOnC = durable.Where(key => gone.Equals(a.Registry().Lookup(key)!.Node)).ToArray();
        var plainOnC = plain.Where(key => gone.Equals(a.Registry().Lookup(key)!.Node)).ToArray();

        var removed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.ActorOf(Props.Create(() => new RemovalListener(gone, removed)));
        var downAt = Stopwatch.GetTimestamp();
        Cluster.Get(a).Down(gone);
        var removedAt = await removed.Task.WaitAsync(TimeSpan.FromMinutes(2));

        var plainBack = Task.WhenAll(plainOnC.Select(key => LiveElsewhere(a, key, gone)));
        while (durableOnC.Any(key => a.Registry().Lookup(key) is not { } entry || entry.Node.Equals(gone)))
            await Task.Delay(1);
        var durableBack = Stopwatch.GetElapsedTime(removedAt);
        await plainBack.WaitAsync(TimeSpan.FromMinutes(2));
        var plainBackAt = plainBack.Result.Max();
        return new Figures(durableOnC.Length, plainOnC.Length, Stopwatch.GetElapsedTime(downAt, removedAt), durableBack,
            Stopwatch.GetElapsedTime(removedAt, plainBackAt));
    }

    /// <summary>Calls GetPid by kind until it gives a process that is not on the removed node (the view may still hold the old one); when it got it.</summary>
    private static async Task<long> LiveElsewhere(ActorSystem node, string key, Address gone)
    {
        while ((await node.Registry().GetPid(key, "plain")).Path.Address.Equals(gone))
            await Task.Delay(1);
        return Stopwatch.GetTimestamp();
    }

    private static async Task<string[]> Spawn(ActorSystem[] from, string kind, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => $"{kind}/{i}").ToArray();
        foreach (var chunk in keys.Chunk(1000))
            await Task.WhenAll(chunk.Select((key, i) => from[i % from.Length].Registry().GetPid(key, kind)));
        while (keys.Any(key => !from[0].Registry().IsRegistered(key)))
            await Task.Delay(10);
        return keys;
    }

    private sealed class RemovalListener : ReceiveActor
    {
        public RemovalListener(Address node, TaskCompletionSource<long> removed)
        {
            Receive<ClusterEvent.MemberRemoved>(e => { if (e.Member.Address.Equals(node)) removed.TrySetResult(Stopwatch.GetTimestamp()); });
            ReceiveAny(_ => { });
        }

        protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.MemberRemoved));
    }
}
