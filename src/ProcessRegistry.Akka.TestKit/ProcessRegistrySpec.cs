using Akka.Cluster;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.TestKit;

/// <summary>
/// An Akka.TestKit spec whose system is a one-node cluster running the registry: derive from it,
/// and <c>Sys.Registry()</c> (or <see cref="Registry"/>) registers, looks up and spawns as it would
/// in a cluster, with no other setup.
/// </summary>
public abstract class ProcessRegistrySpec : global::Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    /// <summary>How long the node may take to become an Up member of its own cluster.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts the node with <paramref name="config"/> HOCON on top of <see cref="RegistryTestConfig"/>; it is Up before each test runs.</summary>
    protected ProcessRegistrySpec(string? config = null, ITestOutputHelper? output = null)
        : base(RegistryTestConfig.Node(config), "registry-spec", output)
    {
    }

    /// <summary>Joins the node to itself and waits until it is an Up member, so a test can spawn at once.</summary>
    public virtual async Task InitializeAsync()
    {
        var cluster = Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress).WaitAsync(JoinTimeout);
    }

    /// <summary>Nothing to do: the TestKit shuts the system down when the spec is disposed.</summary>
    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The registry of <c>Sys</c>.</summary>
    protected ClusterProcessRegistry Registry => Sys.Registry();
}
