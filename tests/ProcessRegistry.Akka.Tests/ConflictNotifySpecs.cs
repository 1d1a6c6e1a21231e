using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests;

public sealed class ConflictNotifySpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.on-conflict = notify")
{
    [Fact]
    public async Task With_on_conflict_notify_the_loser_is_told_but_keeps_running_unregistered()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        await SetPartition(a, b, cut: true);
        await SetPartition(a, c, cut: true);
        var loser = CreateTestProbe(a);
        var winner = CreateTestProbe(b);
        await a.Registry().Register("notify", loser.Ref);
        await b.Registry().Register("notify", winner.Ref);
        Watch(loser.Ref);

        await SetPartition(a, b, cut: false);
        await SetPartition(a, c, cut: false);

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
