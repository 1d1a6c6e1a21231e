using System.Reflection;
using Akka.Actor;
using Akka.DistributedData;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// Props of a replicator with the registry's own settings. Akka.DistributedData 1.5 made the
/// Replicator actor type internal and exposes only the one replicator its extension starts from
/// <c>akka.cluster.distributed-data</c>; sharing it would tie the registry's latency to the
/// user's DData settings (and theirs to our traffic), so the registry reaches the same
/// <c>Replicator.Props(ReplicatorSettings)</c> factory that extension calls.
/// </summary>
internal static class DedicatedReplicator
{
    private static readonly Func<ReplicatorSettings, Props> Factory = FindFactory();

    public static Props Props(ReplicatorSettings settings) => Factory(settings);

    private static Func<ReplicatorSettings, Props> FindFactory()
    {
        var method = typeof(ReplicatorSettings).Assembly
            .GetType("Akka.DistributedData.Replicator", throwOnError: true)!
            .GetMethod("Props", BindingFlags.Public | BindingFlags.Static, [typeof(ReplicatorSettings)])
            ?? throw new MissingMethodException("Akka.DistributedData.Replicator", "Props(ReplicatorSettings)");
        return method.CreateDelegate<Func<ReplicatorSettings, Props>>();
    }
}
