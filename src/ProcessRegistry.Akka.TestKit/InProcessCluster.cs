using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport;

namespace ProcessRegistry.Akka.TestKit;

/// <summary>
/// Several nodes in this process, joined over TCP on 127.0.0.1, each running the registry: for
/// testing what your actors do when the cluster changes. <see cref="Partition"/> cuts the link
/// between two nodes (both ways) and <see cref="Heal"/> restores it; <see cref="Crash"/> stops a
/// node without leaving and downs it from a survivor, as a split brain resolver would.
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    /// <summary>How long a node may take to join, and the cluster to agree that it is Up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string SystemName = "registry-cluster";
    private readonly Config _config;
    private readonly List<ActorSystem> _nodes = new();

    private InProcessCluster(Config config) => _config = config;

    /// <summary>The nodes, in the order they were started; the first is the seed.</summary>
    public IReadOnlyList<ActorSystem> Nodes => _nodes;

    /// <summary>Starts <paramref name="nodes"/> nodes with <paramref name="config"/> HOCON on top of <see cref="RegistryTestConfig"/>, and waits until all are Up.</summary>
    public static async Task<InProcessCluster> Start(int nodes, string? config = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        var cluster = new InProcessCluster(RegistryTestConfig.Node(config));
        for (var i = 0; i < nodes; i++)
            await cluster.AddNode();
        return cluster;
    }

    /// <summary>Starts one more node (with <paramref name="config"/> HOCON on top of the cluster's) and waits until every node sees all Up.</summary>
    public async Task<ActorSystem> AddNode(string? config = null)
    {
        var node = ActorSystem.Create(SystemName, config is null ? _config : ConfigurationFactory.ParseString(config).WithFallback(_config));
        _nodes.Add(node);
        var seed = Cluster.Get(_nodes[0]).SelfAddress;
        await Cluster.Get(node).JoinAsync(seed).WaitAsync(Patience);
        await Until(() => Live.All(n => Cluster.Get(n).State.Members.Count(m => m.Status == MemberStatus.Up) == Live.Count()));
        return node;
    }

    /// <summary>
    /// Cuts every message between <paramref name="a"/> and <paramref name="b"/>, both ways, until
    /// <see cref="Heal"/>; nodes of any cluster configured with <see cref="RegistryTestConfig"/>
    /// (its throttler adapter).
    /// </summary>
    public static Task Partition(ActorSystem a, ActorSystem b) => Throttle(a, b, Blackhole.Instance);

    /// <summary>Restores the link <see cref="Partition"/> cut.</summary>
    public static Task Heal(ActorSystem a, ActorSystem b) => Throttle(a, b, Unthrottled.Instance);

    /// <summary>
    /// Stops <paramref name="node"/> without leaving (its processes die with it), downs it from a
    /// survivor, and waits until the survivors have removed it.
    /// </summary>
    public async Task Crash(ActorSystem node)
    {
        var address = Cluster.Get(node).SelfAddress;
        _nodes.Remove(node);
        await node.Terminate().WaitAsync(Patience);
        var survivor = _nodes.FirstOrDefault() ?? throw new InvalidOperationException("No node survives to down the crashed one.");
        Cluster.Get(survivor).Down(address);
        await Until(() => _nodes.All(n => Cluster.Get(n).State.Members.All(m => !m.Address.Equals(address))));
    }

    /// <summary>Terminates every node.</summary>
    public async ValueTask DisposeAsync() => await Task.WhenAll(_nodes.Select(node => node.Terminate()));

    private IEnumerable<ActorSystem> Live => _nodes.Where(node => !node.WhenTerminated.IsCompleted);

    private static async Task Throttle(ActorSystem a, ActorSystem b, ThrottleMode mode)
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            var transport = ((global::Akka.Remote.IRemoteActorRefProvider)((ExtendedActorSystem)from).Provider).Transport;
            if (!await transport.ManagementCommand(new SetThrottle(Cluster.Get(to).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode)).WaitAsync(Patience))
                throw new InvalidOperationException($"{from} has no throttler to cut its link to {to}: configure it with RegistryTestConfig.");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails after <see cref="Patience"/>.</summary>
    private static async Task Until(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!condition())
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
    }
}
