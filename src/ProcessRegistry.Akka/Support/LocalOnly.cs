namespace ProcessRegistry.Akka.Support;

/// <summary>
/// The mark of a message made on this node. Messages that only this node's own actors may send
/// (a forced registration, a spawn's answers, an owner's relayed reply) carry it; a copy read from
/// the wire cannot, because a remote sender can have any serializer make any type, but never this
/// one instance.
/// </summary>
internal sealed class LocalOnly
{
    public static readonly LocalOnly Mark = new();

    private LocalOnly()
    {
    }

    /// <summary>Whether <paramref name="mark"/> is this node's own mark.</summary>
    public static bool Carries(LocalOnly? mark) => ReferenceEquals(mark, Mark);
}
