using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>Every public call on a one-node cluster.</summary>
public sealed class RegistryApiSpecs(ITestOutputHelper output) : ClusterSpec(output)
{
    private ClusterProcessRegistry Registry => Sys.Registry();

    [Fact]
    public async Task A_registered_pid_is_readable_on_the_writing_node_as_soon_as_Register_completes()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);

        var entry = await Registry.Register("room/lobby", pid);

        Assert.Same(pid, Registry.GetPid("room/lobby"));
        Assert.True(Registry.TryGetPid("room/lobby", out var found));
        Assert.Equal(pid, found);
        Assert.True(Registry.IsRegistered("room/lobby"));
        Assert.Equal("room/lobby", entry.Key);
        Assert.Equal(pid, entry.Pid);
    }

    [Fact]
    public async Task Lookup_returns_key_pid_node_metadata_and_registration_time()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);
        var before = DateTimeOffset.UtcNow;

        await Registry.Register("user/42", pid, new Dictionary<string, string> { ["tenant"] = "acme" });

        var entry = Registry.Lookup("user/42");
        Assert.NotNull(entry);
        Assert.Equal("user/42", entry.Key);
        Assert.Equal(pid, entry.Pid);
        Assert.Equal(Cluster.Get(Sys).SelfAddress, entry.Node);
        Assert.Equal("acme", entry.Metadata["tenant"]);
        Assert.InRange(entry.RegisteredAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task GetPid_on_a_hit_allocates_nothing()
    {
        await StartCluster(1);
        await Registry.Register("hot", SpawnProcess(Sys));
        Assert.NotNull(Registry.GetPid("hot")); // warm up: JIT and first-call paths

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
            Registry.GetPid("hot");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Unknown_keys_read_as_absent()
    {
        await StartCluster(1);

        Assert.Null(Registry.GetPid("nobody-here"));
        Assert.False(Registry.TryGetPid("nobody-here", out _));
        Assert.Null(Registry.Lookup("nobody-here"));
        Assert.False(Registry.IsRegistered("nobody-here"));
    }

    [Fact]
    public async Task A_key_held_by_another_live_pid_is_refused_naming_the_holder()
    {
        await StartCluster(1);
        var holder = SpawnProcess(Sys);
        var contender = SpawnProcess(Sys);
        await Registry.Register("taken", holder);

        var error = await Assert.ThrowsAsync<KeyAlreadyRegisteredException>(() => Registry.Register("taken", contender));

        Assert.Equal(holder, error.Holder);
        Assert.Equal("taken", error.Key);
        Assert.Contains(holder.Path.ToString(), error.Message);
        Assert.Equal(holder, Registry.GetPid("taken"));
    }

    [Fact]
    public async Task Registering_the_same_pid_again_replaces_its_metadata_and_keeps_its_registration_time()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);
        var first = await Registry.Register("meta", pid, new Dictionary<string, string> { ["v"] = "1" });

        var second = await Registry.Register("meta", pid, new Dictionary<string, string> { ["v"] = "2", ["x"] = "y" });

        Assert.Equal("2", Registry.Lookup("meta")!.Metadata["v"]);
        Assert.Equal("y", Registry.Lookup("meta")!.Metadata["x"]);
        Assert.Equal(first.RegisteredAt, second.RegisteredAt);
        Assert.Equal(1, Registry.Count);
    }

    [Fact]
    public async Task One_pid_may_hold_many_keys_and_loses_them_all_when_it_stops()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);
        await Registry.Register("a", pid);
        await Registry.Register("b", pid);
        await Registry.Register("c", pid);
        Assert.Equal(3, Registry.Count);

        Sys.Stop(pid);

        await AwaitAssertAsync(() => Assert.Equal(0, Registry.Count), Patience);
        Assert.Null(Registry.GetPid("a"));
    }

    [Fact]
    public async Task Unregister_removes_the_key_and_reports_whether_there_was_one()
    {
        await StartCluster(1);
        var pid = SpawnProcess(Sys);
        await Registry.Register("gone-soon", pid);

        Assert.True(await Registry.Unregister("gone-soon"));
        Assert.Null(Registry.GetPid("gone-soon"));
        Assert.False(await Registry.Unregister("gone-soon"));
        Assert.False(await Registry.Unregister("never-was"));
    }

    [Fact]
    public async Task After_unregister_the_key_can_be_taken_by_another_pid()
    {
        await StartCluster(1);
        await Registry.Register("reuse", SpawnProcess(Sys));
        await Registry.Unregister("reuse");
        var next = SpawnProcess(Sys);

        await Registry.Register("reuse", next);

        Assert.Equal(next, Registry.GetPid("reuse"));
    }

    [Fact]
    public async Task Entries_LocalEntries_Count_and_CountOn_agree()
    {
        await StartCluster(1);
        for (var i = 0; i < 5; i++)
            await Registry.Register($"k{i}", SpawnProcess(Sys));

        Assert.Equal(5, Registry.Count);
        Assert.Equal(5, Registry.Entries().Count);
        Assert.Equal(5, Registry.LocalEntries().Count);
        Assert.Equal(5, Registry.CountOn(Cluster.Get(Sys).SelfAddress));
        Assert.Equal(0, Registry.CountOn(new Address("akka.tcp", "elsewhere", "10.9.9.9", 1)));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"k{i}").OrderBy(k => k), Registry.Entries().Select(e => e.Key).OrderBy(k => k));
    }

    [Fact]
    public async Task Entries_can_be_queried_by_metadata_label()
    {
        await StartCluster(1);
        await Registry.Register("r1", SpawnProcess(Sys), new Dictionary<string, string> { ["kind"] = "room", ["zone"] = "eu" });
        await Registry.Register("r2", SpawnProcess(Sys), new Dictionary<string, string> { ["kind"] = "room", ["zone"] = "us" });
        await Registry.Register("u1", SpawnProcess(Sys), new Dictionary<string, string> { ["kind"] = "user" });

        Assert.Equal(new[] { "r1", "r2" }, Registry.EntriesWithMetadata("kind", "room").Select(e => e.Key).OrderBy(k => k));
        Assert.Equal(new[] { "r1", "r2" }, Registry.EntriesWithMetadata("zone").Select(e => e.Key).OrderBy(k => k));
        Assert.Empty(Registry.EntriesWithMetadata("kind", "robot"));
    }

    [Fact]
    public async Task GetPid_works_inside_an_actor_through_Context_System()
    {
        await StartCluster(1);
        var room = SpawnProcess(Sys);
        await Registry.Register("room/inside", room);
        var asker = Sys.ActorOf(Props.Create(() => new LookupActor()));

        asker.Tell("room/inside");

        Assert.Equal(room, await ExpectMsgAsync<IActorRef>());
    }

    [Fact]
    public async Task Subscribers_hear_registered_updated_and_unregistered_with_reasons_and_stop_hearing_after_unsubscribe()
    {
        await StartCluster(1);
        var events = CreateTestProbe();
        Registry.Subscribe(events.Ref);
        var pid = SpawnProcess(Sys);

        await Registry.Register("ev", pid);
        Assert.Equal(pid, (await events.ExpectMsgAsync<ProcessRegistered>()).Entry.Pid);

        await Registry.Register("ev", pid, new Dictionary<string, string> { ["v"] = "2" });
        var updated = await events.ExpectMsgAsync<ProcessUpdated>();
        Assert.Empty(updated.Previous.Metadata);
        Assert.Equal("2", updated.Entry.Metadata["v"]);

        await Registry.Unregister("ev");
        Assert.Equal(UnregisterReason.Unregistered, (await events.ExpectMsgAsync<ProcessUnregistered>()).Reason);

        await Registry.Register("ev2", pid);
        await events.ExpectMsgAsync<ProcessRegistered>();
        Sys.Stop(pid);
        var terminated = await events.ExpectMsgAsync<ProcessUnregistered>(Patience);
        Assert.Equal(("ev2", UnregisterReason.Terminated), (terminated.Key, terminated.Reason));

        Registry.Unsubscribe(events.Ref);
        await Registry.Register("ev3", SpawnProcess(Sys));
        await events.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task The_registry_actor_restarted_after_a_kill_keeps_every_entry_and_still_watches_its_processes()
    {
        await StartCluster(1);
        var pids = Enumerable.Range(0, 20).Select(_ => SpawnProcess(Sys)).ToArray();
        for (var i = 0; i < pids.Length; i++)
            await Registry.Register($"kill/{i}", pids[i]);
        var registryActor = await RegistryWorkerOf(Sys);
        Watch(registryActor);

        registryActor.Tell(Kill.Instance);

        // It is restarted, not stopped: the same ref answers again.
        await AwaitAssertAsync(async () => Assert.True(await Registry.Register("after-kill", SpawnProcess(Sys)) is not null), Patience);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(21, Registry.Count);
        Sys.Stop(pids[3]);
        await AwaitAssertAsync(() => Assert.Null(Registry.GetPid("kill/3")), Patience);
        Assert.Equal(20, Registry.Count);
        Assert.True(await Registry.Unregister("kill/4"));
        Assert.Equal(19, Registry.Count);
    }

    private sealed class LookupActor : ReceiveActor
    {
        public LookupActor() =>
            Receive<string>(key => Sender.Tell(Context.System.Registry().GetPid(key) ?? (object)"missing"));
    }
}
