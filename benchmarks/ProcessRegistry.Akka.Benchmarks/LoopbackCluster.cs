using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>N ActorSystems in this process, joined over TCP on 127.0.0.1, each starting the registry.</summary>
internal sealed class LoopbackCluster : IAsyncDisposable
{
    private LoopbackCluster(ActorSystem[] nodes) => Nodes = nodes;

    public ActorSystem[] Nodes { get; }

    public static async Task<LoopbackCluster> Start(int count, string? extraConfig = null)
    {
        var config = ConfigurationFactory.ParseString(extraConfig ?? "").WithFallback(NodeConfig);
        var nodes = Enumerable.Range(0, count).Select(_ => ActorSystem.Create("bench", config)).ToArray();
        var seed = Cluster.Get(nodes[0]).SelfAddress;
        await Task.WhenAll(nodes.Select(n => Cluster.Get(n).JoinAsync(seed))).WaitAsync(TimeSpan.FromMinutes(1));
        foreach (var node in nodes)
            await UntilUp(node, count);
        return new LoopbackCluster(nodes);
    }

    /// <summary>Completes once <paramref name="node"/> sees <paramref name="members"/> members Up.</summary>
    public static async Task UntilUp(ActorSystem node, int members)
    {
        while (Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up) < members)
            await Task.Delay(10);
    }

    /// <summary>One node that joins the cluster of <paramref name="seed"/> (completes when it is Up).</summary>
    public static async Task<LoopbackCluster> JoinExisting(Address seed, string? extraConfig = null)
    {
        var node = ActorSystem.Create("bench", ConfigurationFactory.ParseString(extraConfig ?? "").WithFallback(NodeConfig));
        await Cluster.Get(node).JoinAsync(seed).WaitAsync(TimeSpan.FromMinutes(2));
        return new LoopbackCluster([node]);
    }

    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
            akka {
              loglevel = ERROR
              extensions = ["ProcessRegistry.Akka.ProcessRegistryProvider, ProcessRegistry.Akka"]
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
              cluster.downing-provider-class = ""
              coordinated-shutdown.exit-clr = off
              actor {
                serializers.roundtrip = "ProcessRegistry.Akka.Benchmarks.RoundTripBenchmark+Wire, ProcessRegistry.Akka.Benchmarks"
                serialization-bindings { "ProcessRegistry.Akka.Benchmarks.RoundTripBenchmark+IRoundTripMessage, ProcessRegistry.Akka.Benchmarks" = roundtrip }
              }
            }
            akka.cluster.process-registry.spawn.allowed-types = [
              "ProcessRegistry.Akka.Benchmarks.SpawnBenchmark+Idle, ProcessRegistry.Akka.Benchmarks"
              "ProcessRegistry.Akka.Benchmarks.RoundTripBenchmark+Echo, ProcessRegistry.Akka.Benchmarks"
            ]
            """);

    public async ValueTask DisposeAsync() => await Task.WhenAll(Nodes.Select(n => n.Terminate()));
}
