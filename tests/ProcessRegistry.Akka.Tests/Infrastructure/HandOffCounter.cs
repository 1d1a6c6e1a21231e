using Akka.Actor;

namespace ProcessRegistry.Akka.Tests.Infrastructure;

/// <summary>
/// A process that counts "inc" and answers "get" with its count; asked to hand off, it answers
/// with the count, which its successor takes as its first message. A count that does not match
/// what was sent shows a lost message or a lost state.
/// </summary>
public sealed class HandOffCounter : ReceiveActor
{
    private int _count;

    public HandOffCounter()
    {
        Receive<string>(message => message == "inc", _ => _count++);
        Receive<string>(message => message == "get", _ => Sender.Tell(_count));
        Receive<HandOff>(_ => Sender.Tell(_count));
        Receive<int>(state => _count = state);
    }

    public static Props Props() => global::Akka.Actor.Props.Create<HandOffCounter>();
}
