using Akka.Actor;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Conflicts;

public sealed class KeepOldestSpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry.conflict-resolver = keep-oldest")
{
    [Fact]
    public async Task With_keep_oldest_the_first_registration_keeps_the_key_and_the_newer_one_is_stopped()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var older = CreateTestProbe(a);
        var newer = CreateTestProbe(b);
        var watcher = CreateTestProbe(b);
        watcher.Watch(newer.Ref);

        await RegisterOnBothSidesOfACut(a, [b, c], "oldest", older.Ref, newer.Ref);

        AssertSamePid(older.Ref, (await newer.ExpectMsgAsync<NameConflict>(Patience)).Winner, a);
        await watcher.ExpectTerminatedAsync(newer.Ref, Patience);
        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(older.Ref, n.Registry().GetPid("oldest"), a)), Patience);
        await older.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}

public sealed class CustomResolverSpecs(ITestOutputHelper output)
    : ClusterSpec(output, $"akka.cluster.process-registry.conflict-resolver = \"{typeof(PreferNamedWinner).AssemblyQualifiedName}\"")
{
    [Fact]
    public async Task A_custom_resolver_decides_the_winner_the_same_way_on_every_node()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var chosen = SpawnProcess(a, "winner-by-name"); // registered first: keep-newest would pick the other
        var other = CreateTestProbe(b);
        var watcher = CreateTestProbe(b);
        watcher.Watch(other.Ref);

        await RegisterOnBothSidesOfACut(a, [b, c], "custom", chosen, other.Ref);

        await other.ExpectMsgAsync<NameConflict>(Patience);
        await watcher.ExpectTerminatedAsync(other.Ref, Patience);
        await AwaitAssertAsync(() => Assert.All(nodes, n => AssertSamePid(chosen, n.Registry().GetPid("custom"), a)), Patience);
    }
}

public sealed class ThrowingResolverSpecs(ITestOutputHelper output)
    : ClusterSpec(output, $"akka.cluster.process-registry.conflict-resolver = \"{typeof(ThrowingResolver).AssemblyQualifiedName}\"")
{
    [Fact]
    public async Task A_resolver_that_throws_frees_the_key_and_stops_nobody()
    {
        var nodes = await StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var onA = CreateTestProbe(a);
        var onB = CreateTestProbe(b);
        var watchA = CreateTestProbe(a);
        var watchB = CreateTestProbe(b);
        watchA.Watch(onA.Ref);
        watchB.Watch(onB.Ref);

        await RegisterOnBothSidesOfACut(a, [b, c], "freed", onA.Ref, onB.Ref);

        await AwaitAssertAsync(() => Assert.All(nodes, n => Assert.Null(n.Registry().GetPid("freed"))), Patience);
        await watchA.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await watchB.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        // Both may register again: neither still holds the key in its owner's books.
        await a.Registry().Register("freed", onA.Ref);
        AssertSamePid(onA.Ref, a.Registry().GetPid("freed"), a);
    }
}

/// <summary>Keeps whichever process is named "winner-...", deterministically.</summary>
public sealed class PreferNamedWinner : IConflictResolver
{
    public IActorRef? ChooseWinner(string key, RegistryEntry first, RegistryEntry second) =>
        first.Pid.Path.Name.StartsWith("winner", StringComparison.Ordinal) ? first.Pid : second.Pid;
}

public sealed class ThrowingResolver : IConflictResolver
{
    public IActorRef? ChooseWinner(string key, RegistryEntry first, RegistryEntry second) =>
        throw new InvalidOperationException("this resolver cannot decide");
}
