using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// Spawn kinds: a name and a factory added on every node. Only the key and the kind's name
/// travel; the factory runs on the node that starts the process, so props that could never
/// travel (a lambda over something no serializer carries) work. A kind is the admission list:
/// a node starts only kinds it added, a kind may be limited to a role, and a call naming a kind
/// the calling node does not know fails at once.
/// </summary>
public sealed class SpawnKindSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    [Fact]
    public async Task A_kind_runs_its_factory_on_the_node_that_starts_the_process_and_only_the_key_and_name_travel()
    {
        var nodes = await StartCluster(3);
        foreach (var node in nodes)
            AddWhoAmI(node);

        var keys = Enumerable.Range(0, 60).Select(i => $"kind/{i}").ToArray();
        var pids = await Task.WhenAll(keys.Select(key => nodes[1].Registry().GetPid(key, "who-am-i")));

        var hosts = new HashSet<Address>();
        for (var i = 0; i < keys.Length; i++)
        {
            var entry = nodes[1].Registry().Lookup(keys[i]);
            Assert.NotNull(entry);
            hosts.Add(entry!.Node);
            // The process was made by the factory of the node it runs on, with that node's own object.
            Assert.Equal($"{keys[i]}@{entry.Node}", await pids[i].Ask<string>("who", Patience));
        }
        Assert.True(hosts.Count >= 2, $"60 keys all ran on {string.Join(", ", hosts)}");
        // Asked again from any node, the same process.
        for (var i = 0; i < 10; i++)
            Assert.Equal(Canonical(pids[i], nodes[1]), Canonical(await nodes[2].Registry().GetPid(keys[i], "who-am-i"), nodes[2]));
    }

    [Fact]
    public async Task A_call_naming_a_kind_this_node_did_not_add_fails_at_once_and_names_it()
    {
        await StartCluster(1);
        var registry = Sys.Registry();
        // Thrown by the call itself, not by the task it would return.
        var unknown = Assert.Throws<ArgumentException>(() => { _ = registry.GetPid("k", "no-such-kind"); });
        Assert.Contains("no-such-kind", unknown.Message);
        Assert.Contains("no-such-kind", Assert.Throws<ArgumentException>(() => registry.RefFor("k", "no-such-kind")).Message);
        Assert.False(registry.IsRegistered("k"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    [InlineData("a-name-longer-than-sixty-four-characters-is-refused-by-the-registry-x")]
    public void A_bad_kind_name_is_refused_when_it_is_added(string name) =>
        Assert.Throws<ArgumentException>(() => Sys.Registry().AddKind(name, _ => Props.Create<EchoKey>()));

    [Fact]
    public void A_kind_is_added_once_and_needs_a_factory()
    {
        Sys.Registry().AddKind("once", _ => Props.Create<EchoKey>());
        Assert.Throws<ArgumentException>(() => Sys.Registry().AddKind("once", _ => Props.Create<EchoKey>()));
        Assert.Throws<ArgumentNullException>(() => Sys.Registry().AddKind("no-factory", null!));
        Assert.Throws<ArgumentException>(() => Sys.Registry().AddKind("empty-role", _ => Props.Create<EchoKey>(), role: ""));
    }

    [Fact]
    public async Task A_kind_limited_to_a_role_runs_only_on_members_with_that_role()
    {
        await StartCluster(1);
        var rooms = new[] { await StartNode("akka.cluster.roles = [rooms]"), await StartNode("akka.cluster.roles = [rooms]") };
        ActorSystem[] nodes = [Sys, .. rooms];
        await AwaitAssertAsync(() => Assert.All(nodes, node => Assert.Equal(3, Cluster.Get(node).State.Members.Count(m => m.Status == MemberStatus.Up))), Patience);
        foreach (var node in nodes)
            node.Registry().AddKind("room", _ => Props.Create<EchoKey>(), role: "rooms");

        var keys = Enumerable.Range(0, 40).Select(i => $"room/{i}").ToArray();
        await Task.WhenAll(keys.Select(key => Sys.Registry().GetPid(key, "room")));

        var roomNodes = rooms.Select(AddressOf).ToHashSet();
        Assert.All(keys, key => Assert.Contains(Sys.Registry().Lookup(key)!.Node, roomNodes));
    }

    [Fact]
    public async Task A_node_that_did_not_add_the_kind_refuses_to_start_it_and_the_caller_hears_why()
    {
        var nodes = await StartCluster(2);
        nodes[0].Registry().AddKind("only-on-first", _ => Props.Create<EchoKey>());

        var keys = Enumerable.Range(0, 40).Select(i => $"first/{i}").ToArray();
        var outcomes = await Task.WhenAll(keys.Select(async key =>
        {
            try
            {
                await nodes[0].Registry().GetPid(key, "only-on-first");
                return null;
            }
            catch (InvalidOperationException refused)
            {
                return refused.Message;
            }
        }));

        var refusals = outcomes.Where(message => message is not null).ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, message => Assert.Contains("hosts no spawn kind 'only-on-first'", message));
        Assert.All(keys.Where((_, i) => outcomes[i] is null), key => Assert.Equal(AddressOf(nodes[0]), nodes[0].Registry().Lookup(key)!.Node));
    }

    [Fact]
    public async Task A_spawn_on_a_node_that_is_not_a_member_fails_within_seconds_and_says_so()
    {
        // The TestKit system never joins here; spawn.timeout (30 s) is far longer than the wait.
        var (props, run) = CountedProcess.ForNewRun();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Sys.Registry().GetPid("lonely", props).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("not an Up member", refused.Message);
        Assert.Equal(0, CountedProcess.StartsOf(run));
    }

    private static string Canonical(IActorRef pid, ActorSystem seenFrom) =>
        pid.Path.ToSerializationFormatWithAddress(AddressOf(seenFrom));

    private static void AddWhoAmI(ActorSystem node)
    {
        var here = AddressOf(node);
        var unserializable = new object();
        node.Registry().AddKind("who-am-i", key => Props.Create(() => new WhoAmI(key, here, unserializable)));
    }

    /// <summary>Answers with its key and the node whose factory made it.</summary>
    private sealed class WhoAmI : ReceiveActor
    {
        public WhoAmI(string key, Address madeOn, object nodeLocal)
        {
            ArgumentNullException.ThrowIfNull(nodeLocal);
            ReceiveAny(_ => Sender.Tell($"{key}@{madeOn}"));
        }
    }

    private sealed class EchoKey : ReceiveActor
    {
        public EchoKey() => ReceiveAny(message => Sender.Tell(message));
    }
}
