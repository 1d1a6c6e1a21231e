using Akka.Actor;
using ProcessRegistry.Akka;
using ProcessRegistry.Akka.TestKit;
using Xunit;

namespace PackageConsumer;

/// <summary>What a user's own specs look like with the ProcessRegistry.Akka.TestKit package.</summary>
public sealed class TestKitSpecs : ProcessRegistrySpec
{
    [Fact]
    public async Task One_line_of_setup_gives_a_spec_a_registry_that_spawns_by_kind()
    {
        Registry.AddKind("greeter", key => Props.Create(() => new Greeter(key)));

        var greeter = await Registry.GetPid("greeter/ann", "greeter");

        Assert.Equal("hello from greeter/ann", await greeter.Ask<string>("hi", TimeSpan.FromSeconds(10)));
        Assert.Equal(greeter, Registry.GetPid("greeter/ann"));
    }

    [Fact]
    public async Task An_in_process_cluster_survives_a_partition_and_a_crash()
    {
        await using var cluster = await InProcessCluster.Start(3);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var onC = c.ActorOf(Props.Create(() => new Greeter("on-c")));
        await c.Registry().Register("room/c", onC);

        await InProcessCluster.Partition(a, b);
        await AwaitAssertAsync(() => Assert.True(b.Registry().IsRegistered("room/c")), TimeSpan.FromSeconds(30));
        await InProcessCluster.Heal(a, b);

        await cluster.Crash(c);
        await AwaitAssertAsync(() => Assert.False(a.Registry().IsRegistered("room/c")), TimeSpan.FromSeconds(30));
    }

    private sealed class Greeter : ReceiveActor
    {
        public Greeter(string key) => ReceiveAny(_ => Sender.Tell($"hello from {key}"));
    }
}
