using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Conflicts;

public sealed class ConflictNotifySpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.on-conflict = notify")
{
    [Fact]
    public async Task With_on_conflict_notify_the_loser_is_told_but_keeps_running_unregistered()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var loser = CreateTestProbe(a);
        var winner = CreateTestProbe(b);
        Watch(loser.Ref);

        await RegisterOnBothSidesOfACut(a, [b, c], "notify", loser.Ref, winner.Ref);

        AssertSamePid(winner.Ref, (await loser.ExpectMsgAsync<NameConflict>(Patience)).Winner, b);
        await AwaitAssertAsync(() =>
        {
            foreach (var node in nodes)
                AssertSamePid(winner.Ref, node.Registry().GetPid("notify"), b);
        }, Patience);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500)); // no Terminated: the loser lives on
        // It is no longer registered, so it can take a free key again.
        await a.Registry().Register("notify-2", loser.Ref);
    }
}
