using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ProcessRegistry.Akka.Demo;

/// <summary>Posts a line to a room.</summary>
public sealed record Post(string Text);

/// <summary>A room's answer to a post: how many lines it holds now, and the node it lives on.</summary>
public sealed record Posted(string Room, int Lines, string Host);

/// <summary>What a room hands its successor when its node leaves: its line count and its last lines.</summary>
public sealed record RoomState(int Lines, string[] Recent);

/// <summary>
/// One process per chat room, found by room name through the registry. It keeps the last lines
/// only, and moves with them when its node leaves the cluster (its kind hands off).
/// </summary>
public sealed class ChatRoom : ReceiveActor
{
    private const int KeptLines = 100;

    public ChatRoom(string name)
    {
        var host = Cluster.Get(Context.System).SelfAddress.ToString();
        Context.GetLogger().Info("Room [{0}] started on {1}", name, host);
        var recent = new Queue<string>(KeptLines);
        var lines = 0;
        Receive<Post>(post =>
        {
            if (recent.Count == KeptLines) recent.Dequeue();
            recent.Enqueue(post.Text);
            lines++;
            Sender.Tell(new Posted(name, lines, host));
        });
        Receive<HandOff>(_ => Sender.Tell(new RoomState(lines, recent.ToArray())));
        // The predecessor's state: the first message a room that took over receives.
        Receive<RoomState>(state =>
        {
            lines = state.Lines;
            foreach (var line in state.Recent)
                recent.Enqueue(line);
        });
    }

    /// <summary>The registry key of the room called <paramref name="name"/>.</summary>
    public static string Key(string name) => $"room/{name}";

    // Type and arguments, not Props.Create(() => new ChatRoom(name)): an expression is compiled on
    // every call (about a millisecond), and props are made for every room asked for.
    public static Props Props(string name) => global::Akka.Actor.Props.Create<ChatRoom>(name);

    /// <summary>The spawn kind of rooms: every node adds it, and a room starts where placement puts its key.</summary>
    public const string Kind = "room";

    /// <summary>Rooms move with their state when their node leaves.</summary>
    public static readonly SpawnKindOptions Options = new() { HandOff = true };
}
