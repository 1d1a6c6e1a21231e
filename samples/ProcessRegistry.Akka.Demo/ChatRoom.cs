using Akka.Actor;

namespace ProcessRegistry.Akka.Demo;

/// <summary>Posts a line to a room.</summary>
public sealed record Post(string Text);

/// <summary>A room's answer to a post: how many lines it holds now.</summary>
public sealed record Posted(string Room, int Lines);

/// <summary>One process per chat room, found by room name through the registry.</summary>
public sealed class ChatRoom : ReceiveActor
{
    public ChatRoom(string name)
    {
        var lines = new List<string>();
        Receive<Post>(post =>
        {
            lines.Add(post.Text);
            Sender.Tell(new Posted(name, lines.Count));
        });
    }

    public static Props Props(string name) => global::Akka.Actor.Props.Create(() => new ChatRoom(name));
}
