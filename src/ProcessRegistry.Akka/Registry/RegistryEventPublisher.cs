using Akka.Actor;
using Akka.Event;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// Publishes this node's <see cref="RegistryEvent"/>s on its event stream while anybody
/// subscribed through the registry. Every node makes an event for every change it applies, and
/// making one (a <see cref="RegistryEntry"/> of the record) for nobody was a measurable part of
/// each write and spawn; the publisher tells whether to.
/// </summary>
/// <remarks>
/// A subscriber that stops without unsubscribing keeps events coming (to nobody) until it is
/// unsubscribed: harmless, and cheaper than watching every subscriber.
/// </remarks>
internal sealed class RegistryEventPublisher(EventStream stream)
{
    private readonly HashSet<IActorRef> _subscribers = new();
    private volatile bool _wanted;

    /// <summary>Whether any subscriber would receive an event published now.</summary>
    public bool Wanted => _wanted;

    public void Subscribe(IActorRef subscriber)
    {
        lock (_subscribers)
        {
            _subscribers.Add(subscriber);
            _wanted = true;
        }
        stream.Subscribe(subscriber, typeof(RegistryEvent));
    }

    public void Unsubscribe(IActorRef subscriber)
    {
        stream.Unsubscribe(subscriber, typeof(RegistryEvent));
        lock (_subscribers)
        {
            _subscribers.Remove(subscriber);
            _wanted = _subscribers.Count > 0;
        }
    }

    public void Publish(RegistryEvent registryEvent) => stream.Publish(registryEvent);
}
