using Akka.Actor;
using ProcessRegistry.Akka.Backstop;
using ProcessRegistry.Akka.Diagnostics;
using ProcessRegistry.Akka.Replication;
using ProcessRegistry.Akka.Support;

namespace ProcessRegistry.Akka.Registry;

/// <summary>
/// What the registry actor is built from, all owned by the extension so they outlive a restart of
/// the actor: the view, the readiness, the version clock and the dedicated replicator among them.
/// </summary>
internal sealed record RegistryActorParts(
    ProcessRegistrySettings Settings,
    RegistryClock Clock,
    VersionClock Versions,
    Readiness Readiness,
    LocalView View,
    IActorRef Replicator,
    BucketKeys<EntryRecord> Buckets,
    IConflictResolver Resolver,
    RegistryMetrics Metrics,
    RegistryEventPublisher Events);
