using Akka.Configuration;

namespace ProcessRegistry.Akka.TestKit;

/// <summary>
/// The configuration of a test node: a cluster member on 127.0.0.1 with a port the system picks,
/// the registry started with it, the throttler that lets <see cref="InProcessCluster"/> cut links,
/// no automatic downing (a test decides who is down), and timeouts generous enough for a loaded
/// machine.
/// </summary>
public static class RegistryTestConfig
{
    /// <summary>A test node's configuration, with <paramref name="extra"/> HOCON on top.</summary>
    public static Config Node(string? extra = null) =>
        ConfigurationFactory.ParseString(extra ?? "").WithFallback(Defaults);

    private static readonly Config Defaults = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          # A spec's nodes stop with it: what is still in flight then is no news.
          log-dead-letters-during-shutdown = off
          extensions = ["ProcessRegistry.Akka.ProcessRegistryProvider, ProcessRegistry.Akka"]
          actor.provider = cluster
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
            applied-adapters = [trttl]
          }
          cluster {
            # Tests decide who is downed, and when.
            downing-provider-class = ""
            # A loaded CI box must not mistake a slow node for a dead one.
            failure-detector.acceptable-heartbeat-pause = 10s
            gossip-interval = 200ms
            leader-actions-interval = 200ms
          }
          coordinated-shutdown.exit-clr = off
        }
        """);
}
