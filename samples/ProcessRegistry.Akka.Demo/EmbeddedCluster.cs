using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Spectre.Console;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// The no-setup demo: three nodes in this process on 127.0.0.1. Every node asks for rooms by
/// name (each room spawned once, somewhere, on demand), posts to them by key, then one node
/// is downed: its rooms leave every view and are spawned again on the survivors when asked for.
/// Then a new node joins and takes its share of new rooms, while no running room moves. Last,
/// a node leaves gracefully: its rooms move to the others with their lines.
/// </summary>
internal static class EmbeddedCluster
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Akka's own log goes here, not over the live view.
    private static readonly string LogFile = Path.Combine(Path.GetTempPath(), $"processregistry-demo-{Environment.ProcessId}.log");

    public static async Task<int> Run(int rooms)
    {
        AnsiConsole.MarkupLine("[bold]ProcessRegistry.Akka demo[/]: 3 nodes on 127.0.0.1, one process per chat room");
        var nodes = Enumerable.Range(0, 3).Select(_ => StartNode()).ToArray();
        var extra = new List<ActorSystem>();
        var summary = new List<(string What, string Value)>();
        try
        {
            var seed = Cluster.Get(nodes[0]).SelfAddress;
            await Task.WhenAll(nodes.Select(n => Cluster.Get(n).JoinAsync(seed))).WaitAsync(Patience);
            foreach (var node in nodes)
                AnsiConsole.MarkupLine($"  node up: [green]{Cluster.Get(node).SelfAddress}[/]");

            var names = Enumerable.Range(0, rooms).Select(i => $"room/{i}").ToArray();
            var clock = Stopwatch.StartNew();
            await Watch("Spawning rooms on demand from all 3 nodes", nodes, rooms, () =>
                Task.WhenAll(nodes.Select(node => Task.WhenAll(names.Select(name => node.Registry().GetPid(name, ChatRoom.Kind))))));
            summary.Add(("rooms asked for by 3 nodes each", $"{rooms} (spawned once each)"));
            summary.Add(("spawn on demand", $"{clock.ElapsedMilliseconds} ms, {rooms * 3 / clock.Elapsed.TotalSeconds:F0} GetPid(key, kind)/s"));

            var poster = nodes[2];
            clock.Restart();
            var posted = await Task.WhenAll(names.Select(name => poster.Registry().RefFor(name, ChatRoom.Kind)
                .Ask<Posted>(new Post($"hello from {Cluster.Get(poster).SelfAddress}"), Patience)));
            summary.Add(("posts by key from node 3", $"{posted.Length} answered in {clock.ElapsedMilliseconds} ms"));

            var downed = nodes[1];
            var downedAddress = Cluster.Get(downed).SelfAddress;
            var hosted = nodes[0].Registry().CountOn(downedAddress);
            AnsiConsole.MarkupLine($"Downing node 2 ([red]{downedAddress}[/]), which hosts {hosted} rooms ...");
            clock.Restart();
            Cluster.Get(nodes[0]).Down(downedAddress);
            var survivors = new[] { nodes[0], nodes[2] };
            await Watch("Waiting for its rooms to leave every surviving view", survivors, rooms - hosted,
                () => WaitUntil(() => survivors.All(n => n.Registry().Count == rooms - hosted)));
            summary.Add(("downed node's rooms gone from survivors", $"{hosted} rooms in {clock.ElapsedMilliseconds} ms"));

            clock.Restart();
            await Watch("Asking for every room again on the survivors", survivors, rooms, async () =>
            {
                await Task.WhenAll(names.Select(name => nodes[0].Registry().GetPid(name, ChatRoom.Kind)));
                await WaitUntil(() => survivors.All(n => n.Registry().Count == rooms));
            });
            summary.Add(("rooms spawned again on survivors", $"{hosted} in {clock.ElapsedMilliseconds} ms; all {rooms} rooms in every survivor's view"));

            var joiner = StartNode();
            extra.Add(joiner);
            AnsiConsole.MarkupLine($"A new node joins ([green]{Cluster.Get(joiner).SelfAddress}[/]); it takes its share of new rooms, and no running room moves ...");
            await Cluster.Get(joiner).JoinAsync(seed).WaitAsync(Patience);
            ActorSystem[] grown = [nodes[0], nodes[2], joiner];
            await WaitUntil(() => grown.All(n => Cluster.Get(n).State.Members.Count(m => m.Status == MemberStatus.Up) == grown.Length));
            var newNames = Enumerable.Range(rooms, rooms).Select(i => $"room/{i}").ToArray();
            await Watch("Asking for as many new rooms again", grown, 2 * rooms, () =>
                Task.WhenAll(newNames.Select(name => nodes[0].Registry().GetPid(name, ChatRoom.Kind))));
            var onJoiner = newNames.Count(name => nodes[0].Registry().Lookup(name)!.Node.Equals(Cluster.Get(joiner).SelfAddress));
            var movedToJoiner = names.Count(name => nodes[0].Registry().Lookup(name)!.Node.Equals(Cluster.Get(joiner).SelfAddress));
            summary.Add(("new rooms placed on the node that joined", $"{onJoiner} of {rooms} ({100.0 * onJoiner / rooms:F0} %, a third of 3 nodes); rooms moved to it: {movedToJoiner}"));

            var everyRoom = names.Concat(newNames).ToArray();
            var before = (await PostToAll(nodes[0], everyRoom, "before the leave")).ToDictionary(p => p.Room, p => p.Lines);
            var leaving = nodes[2];
            var leavingAddress = Cluster.Get(leaving).SelfAddress;
            var moving = nodes[0].Registry().CountOn(leavingAddress);
            AnsiConsole.MarkupLine($"Node 3 ([yellow]{leavingAddress}[/]) leaves gracefully; its {moving} rooms move with their lines ...");
            ActorSystem[] remaining = [nodes[0], joiner];
            clock.Restart();
            await Watch("Handing its rooms to the others", remaining, 2 * rooms, async () =>
            {
                await Cluster.Get(leaving).LeaveAsync().WaitAsync(Patience);
                await WaitUntil(() => remaining.All(n => n.Registry().Count == 2 * rooms && n.Registry().CountOn(leavingAddress) == 0));
            });
            var after = await PostToAll(nodes[0], everyRoom, "after the leave");
            var kept = after.Count(p => p.Lines == before[p.Room] + 1);
            summary.Add(("rooms that moved when node 3 left gracefully", $"{moving} in {clock.ElapsedMilliseconds} ms; rooms that kept their lines: {kept} of {everyRoom.Length}"));

            var table = new Table().Title("[bold]Summary[/]").AddColumn("what").AddColumn("measured");
            foreach (var (what, value) in summary)
                table.AddRow(what, value);
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"Akka's log of the run: [grey]{LogFile.EscapeMarkup()}[/]");
            return 0;
        }
        finally
        {
            await Task.WhenAll(nodes.Concat(extra).Select(n => n.Terminate()));
        }
    }

    /// <summary>Posts one line to every room by key, from <paramref name="node"/>; the rooms' answers.</summary>
    private static Task<Posted[]> PostToAll(ActorSystem node, string[] rooms, string text) =>
        Task.WhenAll(rooms.Select(name => node.Registry().RefFor(name, ChatRoom.Kind).Ask<Posted>(new Post(text), Patience)));

    /// <summary>A node of the demo's cluster on 127.0.0.1, with the room kind added.</summary>
    private static ActorSystem StartNode()
    {
        var node = ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Load($$"""
            akka.loglevel = INFO
            akka.stdout-loglevel = OFF
            akka.loggers = ["{{typeof(FileLogger).AssemblyQualifiedName}}"]
            akka.coordinated-shutdown.exit-clr = off
            demo.log-file = "{{LogFile.Replace("\\", "/")}}"
            """));
        node.Registry().AddKind(ChatRoom.Kind, ChatRoom.Props, ChatRoom.Options);
        return node;
    }

    /// <summary>Runs <paramref name="work"/> while showing each node's registry size live (plain lines when not a terminal).</summary>
    private static async Task Watch(string title, ActorSystem[] nodes, int target, Func<Task> work)
    {
        Table Render() => nodes.Aggregate(
            new Table().Title(title).AddColumn("node").AddColumn("entries").AddColumn("local"),
            (table, node) => table.AddRow(
                Cluster.Get(node).SelfAddress.ToString(),
                $"{node.Registry().Count}/{target}",
                node.Registry().LocalEntries().Count.ToString()));

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.WriteLine(title + " ...");
            await work();
            AnsiConsole.Write(Render());
            return;
        }
        await AnsiConsole.Live(Render()).StartAsync(async live =>
        {
            var running = work();
            while (!running.IsCompleted)
            {
                live.UpdateTarget(Render());
                await Task.WhenAny(running, Task.Delay(100));
            }
            await running;
            live.UpdateTarget(Render());
        });
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Patience) throw new TimeoutException("The cluster did not converge in time.");
            await Task.Delay(5);
        }
    }
}
