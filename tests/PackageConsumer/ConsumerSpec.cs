using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ProcessRegistry.Akka;
using ProcessRegistry.Akka.Hosting;
using Xunit;

namespace PackageConsumer;

/// <summary>What a new user writes first: Akka.Hosting, WithProcessRegistry, the readiness check, an actor that looks a key up.</summary>
public sealed class ConsumerSpec
{
    [Fact]
    public async Task The_packages_register_and_look_up_a_process_through_Akka_Hosting_and_report_ready_once_the_node_is_a_member()
    {
        using var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services
                .AddAkka("consumer", builder => builder
                    .AddHocon(ConfigurationFactory.ParseString("""
                        akka.actor.provider = cluster
                        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
                        akka.coordinated-shutdown.exit-clr = off
                        """), HoconAddMode.Prepend)
                    .WithProcessRegistry(new ProcessRegistryOptions { SpawnTimeout = TimeSpan.FromSeconds(20) }.AllowSpawn<Echo>()))
                .AddProcessRegistry()
                .AddHealthChecks().AddProcessRegistryHealthCheck())
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var health = host.Services.GetRequiredService<HealthCheckService>();
            Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
            await Cluster.Get(system).JoinAsync(Cluster.Get(system).SelfAddress).WaitAsync(TimeSpan.FromSeconds(30));
            await Until(async () => (await health.CheckHealthAsync()).Status == HealthStatus.Healthy);
            var registry = host.Services.GetRequiredService<ProcessRegistry.Akka.ClusterProcessRegistry>();

            var room = await registry.GetPid("room/lobby", Props.Create(() => new Echo()));
            var answer = await room.Ask<string>("hello", TimeSpan.FromSeconds(10));

            Assert.Equal("hello", answer);
            Assert.Equal(room, registry.GetPid("room/lobby"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task Until(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "The node never reported healthy.");
            await Task.Delay(100);
        }
    }

    public sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<string>(text => Sender.Tell(text));
    }
}
