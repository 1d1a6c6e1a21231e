using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Serialization;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// Messaging an existing process on another node: registry lookup (a local read) + Ask straight to
/// the process, against an Ask through a sharding region to an entity on another node (the region
/// forwards it), in the same cluster and run. Sequential (latency) and with concurrent askers (throughput).
/// </summary>
internal static class RoundTripBenchmark
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<IReadOnlyList<(string Name, LatencyStats Sequential, double ConcurrentPerSecond)>> Run(int count, int askers)
    {
        await using var cluster = await LoopbackCluster.Start(3);
        var caller = cluster.Nodes[0];
        var here = Cluster.Get(caller).SelfAddress.ToString();
        var region = (await Task.WhenAll(cluster.Nodes.Select(node => ClusterSharding.Get(node).StartAsync(
            "echo", Props.Create<Echo>(), ClusterShardingSettings.Create(node), new RoutedExtractor()))))[0];

        // A process and an entity that both live on another node than the caller.
        var key = await FirstRemote(i => caller.Registry().GetPid($"echo/{i}", Props.Create<Echo>()).ContinueWith(t => t.Result.Ask<Pong>(Ping.Instance, Timeout)).Unwrap(), here);
        var entity = await FirstRemote(i => region.Ask<Pong>(new Routed($"echo/{i}"), Timeout), here);

        Task<Pong> ViaRegistry() => caller.Registry().GetPid($"echo/{key}")!.Ask<Pong>(Ping.Instance, Timeout);
        Task<Pong> ViaRegion() => region.Ask<Pong>(new Routed($"echo/{entity}"), Timeout);

        // Interleaved, so that warm-up, GC and background gossip fall on both sides alike.
        for (var i = 0; i < 500; i++) { await ViaRegistry(); await ViaRegion(); }
        var (oursLatency, regionLatency) = (new double[count], new double[count]);
        for (var i = 0; i < count; i++)
        {
            oursLatency[i] = await Time(ViaRegistry);
            regionLatency[i] = await Time(ViaRegion);
        }
        var (oursSeconds, regionSeconds) = (0.0, 0.0);
        const int rounds = 4;
        for (var round = 0; round < rounds; round++)
        {
            oursSeconds += await Concurrently(ViaRegistry, count / rounds, askers);
            regionSeconds += await Concurrently(ViaRegion, count / rounds, askers);
        }
        return
        [
            ("registry GetPid(key) + Ask", LatencyStats.Of(oursLatency), count / rounds * rounds / oursSeconds),
            ("ShardRegion Ask", LatencyStats.Of(regionLatency), count / rounds * rounds / regionSeconds),
        ];
    }

    private static async Task<double> Time(Func<Task<Pong>> roundTrip)
    {
        var start = Stopwatch.GetTimestamp();
        await roundTrip();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Seconds for <paramref name="askers"/> concurrent loops to complete <paramref name="count"/> round trips in all.</summary>
    private static async Task<double> Concurrently(Func<Task<Pong>> roundTrip, int count, int askers)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, askers).Select(async _ =>
        {
            for (var i = 0; i < count / askers; i++) await roundTrip();
        }));
        return clock.Elapsed.TotalSeconds * count / (count / askers * askers);
    }

    private static async Task<int> FirstRemote(Func<int, Task<Pong>> ask, string here)
    {
        for (var i = 0; ; i++)
            if ((await ask(i)).Node != here)
                return i;
    }

    /// <summary>What both paths send, bound to <see cref="Wire"/> (LoopbackCluster's config), so neither pays for a JSON serializer.</summary>
    internal interface IRoundTripMessage;

    internal sealed record Ping : IRoundTripMessage
    {
        public static readonly Ping Instance = new();
    }

    internal sealed record Pong(string Node) : IRoundTripMessage;

    /// <summary>A ping for the entity <paramref name="Id"/>, as a sharding envelope carries it.</summary>
    internal sealed record Routed(string Id) : IRoundTripMessage;

    /// <summary>A few bytes per message: an empty ping, a pong's node, a routed ping's id.</summary>
    internal sealed class Wire(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        public override int Identifier => 9901;

        public override string Manifest(object o) => o switch { Ping => "P", Pong => "O", Routed => "R", _ => throw new ArgumentException($"Not a round-trip message: {o.GetType()}") };

        public override byte[] ToBinary(object obj) => obj switch
        {
            Ping => [],
            Pong pong => System.Text.Encoding.UTF8.GetBytes(pong.Node),
            Routed routed => System.Text.Encoding.UTF8.GetBytes(routed.Id),
            _ => throw new ArgumentException($"Not a round-trip message: {obj.GetType()}"),
        };

        public override object FromBinary(byte[] bytes, string manifest) => manifest switch
        {
            "P" => Ping.Instance,
            "O" => new Pong(System.Text.Encoding.UTF8.GetString(bytes)),
            "R" => new Routed(System.Text.Encoding.UTF8.GetString(bytes)),
            _ => throw new System.Runtime.Serialization.SerializationException($"Unknown round-trip manifest {manifest}"),
        };
    }

    private sealed class RoutedExtractor : HashCodeMessageExtractor
    {
        public RoutedExtractor() : base(100) { }

        public override string EntityId(object message) => message is Routed routed ? routed.Id : null!;

        public override object EntityMessage(object message) => message is Routed ? Ping.Instance : message;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            var pong = new Pong(Cluster.Get(Context.System).SelfAddress.ToString());
            Receive<Ping>(_ => Sender.Tell(pong));
        }
    }
}
