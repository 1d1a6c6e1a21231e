using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// The no-setup demo: three nodes in this process on 127.0.0.1, rooms registered from all of
/// them, messages sent by key across nodes, one node downed and its rooms dropped everywhere.
/// </summary>
internal static class EmbeddedCluster
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<int> Run(int roomsPerNode)
    {
        Console.WriteLine($"Starting 3 nodes on 127.0.0.1 ...");
        var nodes = Enumerable.Range(0, 3)
            .Select(_ => ActorSystem.Create(NodeConfig.SystemName, NodeConfig.Load("akka.loglevel = ERROR\nakka.coordinated-shutdown.exit-clr = off")))
            .ToArray();
        try
        {
            var seed = Cluster.Get(nodes[0]).SelfAddress;
            await Task.WhenAll(nodes.Select(n => Cluster.Get(n).JoinAsync(seed))).WaitAsync(Patience);
            foreach (var node in nodes)
                Console.WriteLine($"  node up: {Cluster.Get(node).SelfAddress}");

            var total = roomsPerNode * nodes.Length;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(nodes.Select((node, n) => RegisterRooms(node, n, roomsPerNode)));
            var registered = clock.Elapsed;
            await WaitUntil(() => nodes.All(n => n.Registry().Count == total));
            var visible = clock.Elapsed;
            Console.WriteLine($"Registered {total} rooms from 3 nodes in {registered.TotalMilliseconds:F0} ms; every node saw all of them after {visible.TotalMilliseconds:F0} ms.");

            var observer = nodes[2];
            clock.Restart();
            var posts = await Task.WhenAll(observer.Registry().Entries().Select(entry =>
                entry.Pid.Ask<Posted>(new Post($"hello from {Cluster.Get(observer).SelfAddress}"), Patience)));
            Console.WriteLine($"Node 3 posted to {posts.Length} rooms by key ({posts.Count(p => p.Lines == 1)} answered) in {clock.Elapsed.TotalMilliseconds:F0} ms.");

            var room = observer.Registry().Lookup("room/0-0")!;
            Console.WriteLine($"Lookup(\"room/0-0\") on node 3: pid {room.Pid.Path}, node {room.Node}.");

            var downed = nodes[1];
            var downedAddress = Cluster.Get(downed).SelfAddress;
            Console.WriteLine($"Downing node 2 ({downedAddress}), which hosts {nodes[0].Registry().CountOn(downedAddress)} rooms ...");
            clock.Restart();
            Cluster.Get(nodes[0]).Down(downedAddress);
            await WaitUntil(() => nodes[0].Registry().Count == total - roomsPerNode && nodes[2].Registry().Count == total - roomsPerNode);
            Console.WriteLine($"Its rooms left every surviving view in {clock.Elapsed.TotalMilliseconds:F0} ms; {nodes[0].Registry().Count} rooms remain.");

            Console.WriteLine();
            Console.WriteLine("Summary");
            Console.WriteLine($"  rooms registered           {total}");
            Console.WriteLine($"  registration (3 nodes)     {registered.TotalMilliseconds,8:F0} ms");
            Console.WriteLine($"  visible on every node      {visible.TotalMilliseconds,8:F0} ms");
            Console.WriteLine($"  rooms after node 2 downed  {nodes[0].Registry().Count,8}");
            return 0;
        }
        finally
        {
            await Task.WhenAll(nodes.Select(n => n.Terminate()));
        }
    }

    private static Task RegisterRooms(ActorSystem node, int nodeIndex, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i =>
        {
            var name = $"room/{nodeIndex}-{i}";
            var room = node.ActorOf(ChatRoom.Props(name));
            return node.Registry().Register(name, room, new Dictionary<string, string> { ["kind"] = "room" });
        }));

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The cluster did not converge in time.");
            await Task.Delay(5);
        }
    }
}
