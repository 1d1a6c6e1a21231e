using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using ProcessRegistry.Akka.Registry;
using ProcessRegistry.Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>
/// A spec whose TestKit system is the first node of a real cluster over TCP on 127.0.0.1
/// (dynamic ports, throttler adapter for partitions). More nodes are extra ActorSystems in
/// this process, each starting the registry with the system, as a deployment would.
/// </summary>
public abstract class ClusterSpec : global::Akka.TestKit.Xunit2.TestKit
{
    private const string SystemName = "registry-spec";
    private readonly List<ActorSystem> _extraNodes = new();
    private readonly Config _config;
    private readonly Func<Setup[]> _nodeSetup;

    protected ClusterSpec(ITestOutputHelper output, string? extraConfig = null)
        : this(output, NodeConfig(extraConfig), () => [])
    {
    }

    /// <param name="output">The test's output.</param>
    /// <param name="extraConfig">HOCON every node gets on top of the spec defaults.</param>
    /// <param name="nodeSetup">Setups for each node, called once per node (the TestKit system first).</param>
    protected ClusterSpec(ITestOutputHelper output, string? extraConfig, Func<Setup[]> nodeSetup)
        : this(output, NodeConfig(extraConfig), nodeSetup)
    {
    }

    private ClusterSpec(ITestOutputHelper output, Config config, Func<Setup[]> nodeSetup)
        : base(SetupOf(config, nodeSetup()), SystemName, output)
    {
        _config = config;
        _nodeSetup = nodeSetup;
    }

    private static ActorSystemSetup SetupOf(Config config, Setup[] setups) =>
        ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. setups]);

    /// <summary>Generous so a loaded 2-core machine forms clusters and replicates in time.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected static Config NodeConfig(string? extraConfig) =>
        ConfigurationFactory.ParseString(extraConfig ?? "")
            .WithFallback(ConfigurationFactory.ParseString(AllowSpawning() + QuietConsole))
            .WithFallback(RegistryTestConfig.Node());

    /// <summary>
    /// Every node logs to the test's output only (the TestKit's logger, see <see cref="CreateNode"/>),
    /// so `dotnet test` shows progress, and a failing spec shows its nodes' logs. No configured
    /// logger takes the console, and the one Akka adds at shutdown is off.
    /// </summary>
    private const string QuietConsole = "akka.loggers = []\nakka.stdout-loglevel = OFF\n";

    /// <summary>
    /// HOCON that lets the nodes spawn <paramref name="types"/> on demand, besides
    /// <see cref="CountedProcess"/> (<c>spawn.allowed-types</c>); add it to the spec's extra config.
    /// </summary>
    protected static string AllowSpawning(params Type[] types) =>
        $"akka.cluster.process-registry.spawn.allowed-types = [{AllowedNames(types)}]\n";

    private static string AllowedNames(Type[] types) =>
        string.Join(", ", types.Prepend(typeof(CountedProcess)).Select(type => $"\"{ProcessRegistrySettings.AllowedTypeName(type)}\""));

    /// <summary>Starts <paramref name="count"/> nodes (the TestKit system first) and waits until all see each other Up.</summary>
    protected async Task<ActorSystem[]> StartCluster(int count)
    {
        var nodes = new ActorSystem[count];
        nodes[0] = Sys;
        for (var i = 1; i < count; i++)
            nodes[i] = CreateNode(_config);
        var seed = Cluster.Get(Sys).SelfAddress;
        foreach (var node in nodes)
            await Cluster.Get(node).JoinAsync(seed).WaitAsync(Patience);
        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
                Assert.Equal(count, Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up));
        }, Patience);
        return nodes;
    }

    /// <summary>
    /// Waits until the spawn region of every node is registered with the sharding coordinator:
    /// before that, new shards, and with them new keys, all go to the regions already registered.
    /// </summary>
    protected async Task AwaitSpawnRegions(ActorSystem[] nodes)
    {
        var region = ClusterSharding.Get(nodes[0]).ShardRegion(nodes[0].Registry().Settings.SpawnTypeName);
        await AwaitAssertAsync(async () =>
        {
            var current = await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, Patience);
            Assert.Equal(nodes.Length, current.Regions.Count);
        }, Patience);
    }

    /// <summary>Starts one more node (with <paramref name="extraConfig"/> on top of the spec's) and joins it to the cluster of the TestKit system.</summary>
    protected async Task<ActorSystem> StartNode(string? extraConfig = null)
    {
        var config = extraConfig is null ? _config : ConfigurationFactory.ParseString(extraConfig).WithFallback(_config);
        var node = CreateNode(config);
        await Cluster.Get(node).JoinAsync(Cluster.Get(Sys).SelfAddress).WaitAsync(Patience);
        return node;
    }

    /// <summary>A node whose log goes to the test's output with the TestKit system's, shown with a failing spec.</summary>
    private ActorSystem CreateNode(Config config)
    {
        var node = ActorSystem.Create(SystemName, SetupOf(config, _nodeSetup()));
        InitializeLogger(node);
        _extraNodes.Add(node);
        return node;
    }

    protected static Address AddressOf(ActorSystem node) => Cluster.Get(node).SelfAddress;

    /// <summary>
    /// Asserts two refs name the same actor of <paramref name="host"/>, whether either is the
    /// host's local ref or another node's remote ref to it.
    /// </summary>
    protected static void AssertSamePid(IActorRef expected, IActorRef? actual, ActorSystem host)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Path.ToStringWithAddress(AddressOf(host)), actual.Path.ToStringWithAddress(AddressOf(host)));
    }

    /// <summary>Cuts (or heals) all traffic between <paramref name="a"/> and <paramref name="b"/>, both ways.</summary>
    protected static Task SetPartition(ActorSystem a, ActorSystem b, bool cut) =>
        cut ? InProcessCluster.Partition(a, b) : InProcessCluster.Heal(a, b);

    /// <summary>
    /// Cuts <paramref name="isolated"/> off from the other nodes, registers <paramref name="first"/>
    /// there and then <paramref name="second"/> on the other side (so it is the newer
    /// registration), and heals: two live pids under one key that must now be settled.
    /// </summary>
    protected static async Task RegisterOnBothSidesOfACut(
        ActorSystem isolated, ActorSystem[] others, string key, IActorRef first, IActorRef second)
    {
        foreach (var other in others)
            await SetPartition(isolated, other, cut: true);
        await isolated.Registry().Register(key, first);
        await others[0].Registry().Register(key, second);
        foreach (var other in others)
            await SetPartition(isolated, other, cut: false);
    }

    /// <summary>A live actor on <paramref name="node"/> that can be registered and stopped at will.</summary>
    protected static IActorRef SpawnProcess(ActorSystem node, string? name = null) =>
        name is null ? node.ActorOf(Props.Create<IdleProcess>()) : node.ActorOf(Props.Create<IdleProcess>(), name);

    /// <summary><paramref name="target"/>'s registry actor (below its supervisor) as <paramref name="from"/> addresses it, over the network.</summary>
    protected static IActorRef RegistryActorAt(ActorSystem from, ActorSystem target) =>
        ((ExtendedActorSystem)from).Provider.ResolveActorRef(
            new RootActorPath(AddressOf(target)) / "system" / target.Registry().Settings.Name / RegistrySupervisor.WorkerName);

    /// <summary><paramref name="from"/>'s remote ref to an actor of <paramref name="host"/>, as a real node would hold it.</summary>
    protected static IActorRef RemoteRef(ActorSystem from, IActorRef pid, ActorSystem host) =>
        ((ExtendedActorSystem)from).Provider.ResolveActorRef(pid.Path.ToSerializationFormatWithAddress(AddressOf(host)));

    /// <summary>The registry actor itself, below the supervisor that restarts it.</summary>
    protected static Task<IActorRef> RegistryWorkerOf(ActorSystem node) =>
        node.ActorSelection(node.Registry().RegistryActor.Path / "registry").ResolveOne(Patience);

    protected override void AfterAll()
    {
        var terminations = _extraNodes.Select(node => node.Terminate()).ToArray();
        Task.WhenAll(terminations).Wait(Patience);
        // A node's shutdown hands its processes off first; the TestKit would wait 5 s and print the actor tree.
        Sys.Terminate().Wait(Patience);
        base.AfterAll();
    }

    private sealed class IdleProcess : ReceiveActor
    {
        public IdleProcess() => ReceiveAny(_ => { });
    }
}
