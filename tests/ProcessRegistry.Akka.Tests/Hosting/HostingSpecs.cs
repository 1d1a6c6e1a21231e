using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ProcessRegistry.Akka.Hosting;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Hosting;

/// <summary>A real generic host running Akka.Hosting with WithProcessRegistry.</summary>
public sealed class HostingSpecs
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WithProcessRegistry_starts_the_registry_with_the_system_applies_options_and_injects_it()
    {
        using var host = BuildHost(
            akka => akka
                .WithProcessRegistry(options =>
                {
                    options.MaxKeyLength = 20;
                    options.StopConflictLoser = false;
                    options.ConflictResolver = typeof(KeepOldestResolver);
                })
                .AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress)),
            services => services.AddProcessRegistry());
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            // Started with the system, before anybody asked for it.
            var identity = await system.ActorSelection("/system/process-registry").Ask<ActorIdentity>(new Identify(1), Patience);
            Assert.NotNull(identity.Subject);

            var registry = host.Services.GetRequiredService<ClusterProcessRegistry>();
            Assert.Same(system.Registry(), registry);
            Assert.Equal(20, registry.Settings.MaxKeyLength);
            Assert.False(registry.Settings.StopConflictLoser);
            Assert.Equal("keep-oldest", registry.Settings.ConflictResolver);

            await Cluster.Get(system).JoinAsync(Cluster.Get(system).SelfAddress).WaitAsync(Patience);
            var pid = system.ActorOf(Props.Empty);
            await registry.Register("hosted/1", pid);
            Assert.Equal(pid, registry.GetPid("hosted/1"));
            Assert.Throws<ArgumentException>(() => { _ = registry.Register(new string('k', 21), pid); });
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_kind_added_through_the_options_spawns_with_props_from_dependency_injection()
    {
        using var host = BuildHost(
            akka => akka
                .WithProcessRegistry(o => o.AddKind("greeter", (key, resolver) => resolver.Props<Greeter>(key)))
                .AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress)),
            services => services.AddSingleton(new Greeting("hello")));
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await Cluster.Get(system).JoinAsync(Cluster.Get(system).SelfAddress).WaitAsync(Patience);
            var greeter = await system.Registry().GetPid("greeter/ann", "greeter").WaitAsync(Patience);
            Assert.Equal("hello greeter/ann", await greeter.Ask<string>("hi", Patience));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A service only the container can make.</summary>
    public sealed record Greeting(string Word);

    /// <summary>An actor whose constructor needs a service from the container and its key.</summary>
    public sealed class Greeter : ReceiveActor
    {
        public Greeter(Greeting greeting, string key) => ReceiveAny(_ => Sender.Tell($"{greeting.Word} {key}"));
    }

    [Fact]
    public async Task The_readiness_check_is_unhealthy_until_the_node_is_an_Up_member_then_healthy()
    {
        using var host = BuildHost(akka => akka.WithProcessRegistry(), services => services.AddHealthChecks().AddProcessRegistryHealthCheck());
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.StartAsync();
        try
        {
            var before = await health.CheckHealthAsync();
            Assert.Equal(HealthStatus.Unhealthy, before.Status);
            Assert.Contains("member", before.Entries["process-registry"].Description);
            Assert.Contains("ready", before.Entries["process-registry"].Tags);

            var system = host.Services.GetRequiredService<ActorSystem>();
            await Cluster.Get(system).JoinAsync(Cluster.Get(system).SelfAddress).WaitAsync(Patience);

            await AwaitHealthy(health);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>A generic host running one cluster node on 127.0.0.1 through Akka.Hosting, as an application would.</summary>
    private static IHost BuildHost(Action<AkkaConfigurationBuilder> akka, Action<IServiceCollection> services) =>
        Host.CreateDefaultBuilder()
            .ConfigureServices(collection =>
            {
                collection.AddAkka("hosted", builder => akka(builder.AddHocon(ConfigurationFactory.ParseString("""
                    akka.actor.provider = cluster
                    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                    akka.cluster.downing-provider-class = ""
                    akka.coordinated-shutdown.exit-clr = off
                    """), HoconAddMode.Prepend)));
                services(collection);
            })
            .Build();

    private static async Task AwaitHealthy(HealthCheckService health)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while ((await health.CheckHealthAsync(deadline.Token)).Status != HealthStatus.Healthy)
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
    }

    [Fact]
    public void Options_emit_only_what_was_set()
    {
        Assert.Equal("akka.cluster.process-registry {\n}\n", new ProcessRegistryOptions().ToHocon());

        var hocon = ConfigurationFactory.ParseString(new ProcessRegistryOptions
        {
            Role = "registry",
            DistributedKeyCount = 128,
            SyncInterval = TimeSpan.FromMilliseconds(250),
            SpawnTimeout = TimeSpan.FromSeconds(5),
            ConflictResolver = typeof(ThrowingResolver),
        }.ToHocon()).WithFallback(ClusterProcessRegistry.DefaultConfig());
        var settings = ProcessRegistrySettings.Create(hocon);

        Assert.Equal("registry", settings.Role);
        Assert.Equal(128, settings.DistributedKeyCount);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.SyncInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.SpawnTimeout);
        Assert.Equal(typeof(ThrowingResolver).AssemblyQualifiedName, settings.ConflictResolver);
        Assert.Equal(512, settings.MaxKeyLength); // untouched: the reference value
    }

    [Fact]
    public void Every_key_of_the_reference_config_has_one_option_that_sets_it()
    {
        var reference = ClusterProcessRegistry.DefaultConfig().GetConfig("akka.cluster.process-registry");
        var keys = reference.AsEnumerable().SelectMany(pair => LeafKeys(pair.Key, pair.Value)).Order().ToList();
        var everything = new ProcessRegistryOptions
        {
            Name = "n", Role = "r", DistributedKeyCount = 7, MaxKeyLength = 9, MaxMetadataEntries = 3, MaxMetadataBytes = 99,
            AskTimeout = TimeSpan.FromSeconds(3), SyncInterval = TimeSpan.FromSeconds(1), BroadcastInterval = TimeSpan.FromSeconds(1),
            ReconcileInterval = TimeSpan.FromSeconds(2), AntiEntropyInterval = TimeSpan.FromSeconds(3), PruneInterval = TimeSpan.FromSeconds(4),
            TombstoneTimeToLive = TimeSpan.FromSeconds(5), MaxClockLead = TimeSpan.FromHours(1), StopConflictLoser = false,
            ConflictResolver = typeof(KeepOldestResolver), SpawnTypeName = "t", SpawnRole = "s", SpawnShards = 11,
            SpawnTimeout = TimeSpan.FromSeconds(6), SpawnAttemptTimeout = TimeSpan.FromSeconds(2), SpawnBatchInterval = TimeSpan.FromMilliseconds(3),
            RebalanceEnabled = true, RebalanceMovesPerSecond = 9, DurableKeyCount = 5, DurableCheckInterval = TimeSpan.FromSeconds(3), DurableStoreDirectory = "/var/lib/registry",
            ReplicatorName = "rep", ReplicatorRole = "rr", ReplicatorGossipInterval = TimeSpan.FromSeconds(2), ReplicatorMaxDeltaElements = 4,
        }.AllowSpawn<ThrowingActor>();

        var emitted = ConfigurationFactory.ParseString(everything.ToHocon()).GetConfig("akka.cluster.process-registry");
        var set = emitted.AsEnumerable().SelectMany(pair => LeafKeys(pair.Key, pair.Value)).Order().ToList();

        Assert.Equal(keys, set);
        var settings = ProcessRegistrySettings.Create(ConfigurationFactory.ParseString(everything.ToHocon()));
        Assert.Equal(("keep-oldest", false, 11), (settings.ConflictResolver, settings.StopConflictLoser, settings.SpawnShards));
        Assert.Equal([ProcessRegistrySettings.AllowedTypeName(typeof(ThrowingActor))], settings.SpawnAllowedTypes);
    }

    private static IEnumerable<string> LeafKeys(string path, global::Akka.Configuration.Hocon.HoconValue value) =>
        value.IsObject()
            ? value.GetObject().Items.SelectMany(item => LeafKeys($"{path}.{item.Key}", item.Value))
            : [path];

    private sealed class ThrowingResolver : IConflictResolver
    {
        public IActorRef ChooseWinner(string key, RegistryEntry first, RegistryEntry second) => throw new InvalidOperationException();
    }

    private sealed class ThrowingActor : ReceiveActor;

    [Fact]
    public void A_conflict_resolver_type_that_is_not_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ProcessRegistryOptions { ConflictResolver = typeof(string) }.ToHocon());
    }
}
