// The types the README's snippets name but do not declare: an application's own messages and actors.
namespace Readme;

public sealed record Say(string Room, string Text);

public sealed record NoSuchRoom(string Room);

public sealed record Post(string Text);

public sealed record Posted(int Lines);

public sealed record PostToRoom(string Room, string Text);

public sealed class Room : ReceiveActor
{
    public Room(string key) => ReceiveAny(_ => Sender.Tell(key));
}

public sealed class Greeter : ReceiveActor
{
    public Greeter(string key) => ReceiveAny(_ => Sender.Tell($"hello from {key}"));
}

public sealed class ChatRoom : ReceiveActor
{
    public const string Kind = "room";

    public ChatRoom(string key) => Receive<Post>(_ => Sender.Tell(new Posted(1)));

    public static Props Props(string key) => Akka.Actor.Props.Create<ChatRoom>(key);
}
