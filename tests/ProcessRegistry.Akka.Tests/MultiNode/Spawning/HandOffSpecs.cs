using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Spawning;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Spawning;

/// <summary>
/// State handoff: when a node leaves gracefully, the processes of a kind that hands off move with
/// their state, and messages sent through RefFor while they move reach the successor, none lost.
/// </summary>
public sealed class HandOffSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private const string Kind = "counter";

    [Fact]
    public async Task Ten_thousand_counters_keep_every_message_sent_through_RefFor_while_their_node_leaves()
    {
        var nodes = await StartCluster(3);
        await AwaitSpawnRegions(nodes);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        foreach (var node in nodes)
            node.Registry().AddKind(Kind, _ => HandOffCounter.Props(), new SpawnKindOptions { HandOff = true });
        var keys = Enumerable.Range(0, 10_000).Select(i => $"counter/{i}").ToArray();
        foreach (var chunk in keys.Chunk(1000))
            await Task.WhenAll(chunk.Select((key, i) => nodes[i % 3].Registry().GetPid(key, Kind)));
        await AwaitAssertAsync(() => Assert.All(keys, key => Assert.True(a.Registry().IsRegistered(key))), Patience);
        var onC = keys.Count(key => AddressOf(c).Equals(a.Registry().Lookup(key)!.Node));
        Assert.InRange(onC, 2500, 4200);

        var senders = new[] { a, b }.Select(node => keys.Select(key => node.Registry().RefFor(key, Kind)).ToArray()).ToArray();
        var sent = new int[keys.Length];
        var leaving = Cluster.Get(c).LeaveAsync();
        var rounds = 0;
        // Keep sending until the leaving node is gone, and a round after.
        for (var removed = false; !removed; rounds++)
        {
            removed = Cluster.Get(a).State.Members.All(member => !member.Address.Equals(AddressOf(c)));
            for (var i = rounds % 5; i < keys.Length; i += 5)
            {
                senders[i % 2][i].Tell("inc");
                sent[i]++;
            }
            await Task.Delay(20); // paces the load; nothing waits on it
        }
        await leaving.WaitAsync(Patience);
        Output.WriteLine($"{rounds} rounds, {sent.Sum()} messages, {onC} counters moved");

        await AwaitAssertAsync(async () =>
        {
            var counts = await Task.WhenAll(keys.Select(key => a.Registry().GetPid(key)!.Ask<int>("get", Patience)));
            for (var i = 0; i < keys.Length; i++)
                Assert.True(sent[i] == counts[i], $"{keys[i]}: sent {sent[i]}, counted {counts[i]}");
        }, Patience);
        Assert.All(keys, key => Assert.NotEqual(AddressOf(c), a.Registry().Lookup(key)!.Node));
    }

    [Fact]
    public async Task A_member_cannot_move_start_or_register_a_successor_for_a_key_it_does_not_own()
    {
        var nodes = await StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        foreach (var node in nodes)
            node.Registry().AddKind(Kind, _ => HandOffCounter.Props(), new SpawnKindOptions { HandOff = true });
        var holder = CreateTestProbe(a);
        await a.Registry().Register("owned-by-a", holder.Ref);
        await AwaitAssertAsync(() => Assert.True(b.Registry().IsRegistered("owned-by-a")), Patience);
        var agentOfA = SpawnAgent.At(b, b.Registry().Settings, AddressOf(a));
        var intruder = CreateTestProbe(b);

        agentOfA.Tell(new KeysMoving(["owned-by-a"]), intruder.Ref);
        await intruder.ExpectMsgAsync<KeysMovingSeen>(Patience);
        agentOfA.Tell(new PrepareSuccessors([("owned-by-a", Kind)]), intruder.Ref);
        Assert.Empty((await intruder.ExpectMsgAsync<SuccessorsReady>(Patience)).Successors);
        agentOfA.Tell(new RegisterSuccessors([("owned-by-a", long.MaxValue - 1)]), intruder.Ref);
        agentOfA.Tell(new PrepareSuccessors([]), intruder.Ref);
        await intruder.ExpectMsgAsync<SuccessorsReady>(Patience); // the agent handled what came before

        // Not marked as moving: RefFor delivers at once, and the key is still the holder's.
        a.Registry().RefFor("owned-by-a").Tell("hello");
        await holder.ExpectMsgAsync("hello", TimeSpan.FromSeconds(5));
        Assert.Equal(holder.Ref, a.Registry().GetPid("owned-by-a"));
        Assert.Equal(AddressOf(a), b.Registry().Lookup("owned-by-a")!.Node);
    }
}
