using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcessRegistry.Akka.Hosting;
using Xunit;

namespace ProcessRegistry.Akka.Tests;

/// <summary>A real generic host running Akka.Hosting with WithProcessRegistry.</summary>
public sealed class HostingSpecs
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WithProcessRegistry_starts_the_registry_with_the_system_applies_options_and_injects_it()
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services =>
            {
                services.AddAkka("hosted", builder => builder
                    .AddHocon(ConfigurationFactory.ParseString("""
                        akka.actor.provider = cluster
                        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                        akka.cluster.downing-provider-class = ""
                        akka.coordinated-shutdown.exit-clr = off
                        """), HoconAddMode.Prepend)
                    .WithProcessRegistry(new ProcessRegistryOptions { MaxKeyLength = 20, StopConflictLoser = false, KeepOldest = true })
                    .AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress)));
                services.AddProcessRegistry();
            })
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            // Started with the system, before anybody asked for it.
            var identity = await system.ActorSelection("/system/process-registry").Ask<ActorIdentity>(new Identify(1), Patience);
            Assert.NotNull(identity.Subject);

            var registry = host.Services.GetRequiredService<ProcessRegistry>();
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
    public void Options_emit_only_what_was_set()
    {
        Assert.Equal("akka.cluster.process-registry {\n}\n", new ProcessRegistryOptions().ToHocon());

        var hocon = ConfigurationFactory.ParseString(new ProcessRegistryOptions
        {
            Role = "registry",
            DistributedKeyCount = 128,
            SyncInterval = TimeSpan.FromMilliseconds(250),
            SpawnTimeout = TimeSpan.FromSeconds(5),
            ConflictResolver = typeof(KeepOldestResolver),
        }.ToHocon()).WithFallback(ProcessRegistry.DefaultConfig());
        var settings = ProcessRegistrySettings.Create(hocon);

        Assert.Equal("registry", settings.Role);
        Assert.Equal(128, settings.DistributedKeyCount);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.SyncInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.SpawnTimeout);
        Assert.Equal(typeof(KeepOldestResolver).AssemblyQualifiedName, settings.ConflictResolver);
        Assert.Equal(512, settings.MaxKeyLength); // untouched: the reference value
    }

    [Fact]
    public void A_conflict_resolver_type_that_is_not_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ProcessRegistryOptions { ConflictResolver = typeof(string) }.ToHocon());
    }
}
