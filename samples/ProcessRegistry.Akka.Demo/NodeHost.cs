using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// One node of a real cluster (docker-compose): joins CLUSTER_SEEDS, hosts some rooms and
/// prints what its replica holds until it is stopped.
/// </summary>
internal static class NodeHost
{
    public static async Task<int> Run(int rooms)
    {
        var system = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Load());
        var cluster = Cluster.Get(system);
        var seeds = NodeConfig.List("CLUSTER_SEEDS").Select(Address.Parse).ToList();
        await cluster.JoinSeedNodesAsync(seeds.Count > 0 ? seeds : [cluster.SelfAddress]);
        Console.WriteLine($"Node {cluster.SelfAddress} is up.");

        for (var i = 0; i < rooms; i++)
        {
            var name = $"room/{cluster.SelfAddress.Host}-{cluster.SelfAddress.Port}-{i}";
            await system.Registry().Register(name, system.ActorOf(ChatRoom.Props(name)));
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        while (!stop.IsCancellationRequested && !system.WhenTerminated.IsCompleted)
        {
            Console.WriteLine($"{DateTime.UtcNow:T} entries {system.Registry().Count}, here {system.Registry().LocalEntries().Count}, members {cluster.State.Members.Count}");
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { }), system.WhenTerminated);
        }
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        return 0;
    }
}
