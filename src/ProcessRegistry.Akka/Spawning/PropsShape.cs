using Akka.Actor;

namespace ProcessRegistry.Akka.Spawning;

/// <summary>
/// What props of one kind share on the wire: the actor type and the dispatcher and mailbox they
/// name (empty when they name none). A batch of spawn requests writes each shape once.
/// </summary>
internal readonly record struct PropsShape(Type Type, string Dispatcher, string Mailbox)
{
    /// <exception cref="ArgumentException">Props without an actor type (a factory that is not one).</exception>
    public static PropsShape Of(Props props) => new(
        props.Type ?? throw new ArgumentException("Props without an actor type cannot be sent to another node."),
        props.Deploy.Dispatcher ?? "",
        props.Deploy.Mailbox ?? "");
}
