using Akka.Actor;

namespace ProcessRegistry.Akka.Demo;

/// <summary>Asks the concierge to post <paramref name="Text"/> to the room called <paramref name="Room"/>.</summary>
public sealed record PostToRoom(string Room, string Text);

/// <summary>
/// The user's own actor, started by Akka.Hosting on every node: it finds each room through the
/// registry from inside an actor, spawning the room somewhere in the cluster the first time.
/// </summary>
public sealed class Concierge : ReceiveActor
{
    public Concierge()
    {
        Receive<PostToRoom>(request =>
        {
            var key = ChatRoom.Key(request.Room);
            // A local read when the room is known; only a missing room costs a spawn round trip.
            var room = Context.System.Registry().GetPid(key)
                ?? Context.System.Registry().RefFor(key, ChatRoom.Kind);
            room.Forward(new Post(request.Text));
        });
    }
}
