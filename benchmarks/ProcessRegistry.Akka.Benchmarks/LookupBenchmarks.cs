using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace ProcessRegistry.Akka.Benchmarks;

/// <summary>
/// A lookup hit with 100,000 keys registered: GetPid against its floor (ConcurrentDictionary)
/// and the Akka.NET alternatives (ActorSelection.ResolveOne, an Ask through a ShardRegion).
/// </summary>
/// <remarks>
/// The hits go round a fixed random sample of the keys, the same for both tables: a hash table's
/// cost differs from key to key (how far the key sits from its home slot, which chain it is in),
/// so one key measures that key's luck, not the table.
/// </remarks>
[MemoryDiagnoser]
[InProcess]
public class LookupBenchmarks
{
    private const int Keys = 100_000;
    private readonly ConcurrentDictionary<string, IActorRef> _dictionary = new(StringComparer.Ordinal);
    private ActorSystem _system = null!;
    private ClusterProcessRegistry _registry = null!;
    private IActorRef _region = null!;
    private ActorSelection _selection = null!;
    private const int Sample = 256;
    private string[] _sample = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _system = ActorSystem.Create("lookup", ConfigurationFactory.ParseString("""
            akka {
              loglevel = ERROR
              extensions = ["ProcessRegistry.Akka.ProcessRegistryProvider, ProcessRegistry.Akka"]
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
              coordinated-shutdown.exit-clr = off
            }
            """));
        await Cluster.Get(_system).JoinAsync(Cluster.Get(_system).SelfAddress);
        _registry = _system.Registry();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Keys)
            {
                var pid = _system.ActorOf(Props.Create<Echo>(), $"p{i}");
                _dictionary[$"key/{i}"] = pid;
                await _registry.Register($"key/{i}", pid);
            }
        }));
        var random = new Random(4242);
        _sample = Enumerable.Range(0, Sample).Select(_ => $"key/{random.Next(Keys)}").ToArray();
        _selection = _system.ActorSelection("/user/p4242");
        _region = await ClusterSharding.Get(_system).StartAsync("echo", Props.Create<Echo>(), ClusterShardingSettings.Create(_system),
            HashCodeMessageExtractor.Create(100, m => "4242", m => m));
        await _region.Ask<object>("warm", TimeSpan.FromSeconds(30));
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(30));

    [Benchmark(Baseline = true)]
    public IActorRef? ConcurrentDictionaryTryGetValue() => _dictionary.TryGetValue(NextKey(), out var pid) ? pid : null;

    [Benchmark]
    public IActorRef? RegistryGetPid() => _registry.GetPid(NextKey());

    private string NextKey() => _sample[_next++ & (Sample - 1)];

    [Benchmark]
    public Task<IActorRef> ActorSelectionResolveOne() => _selection.ResolveOne(TimeSpan.FromSeconds(5));

    [Benchmark]
    public Task<object> ShardRegionAskRoundTrip() => _region.Ask<object>("ping", TimeSpan.FromSeconds(5));

    public sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }
}
