using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Cluster.Hosting;
using Akka.Remote.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcessRegistry.Akka.Hosting;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// One node of a real cluster (docker-compose, or several processes on one machine), started
/// with Akka.Hosting: the ActorSystem from hocon/node.conf and <see cref="NodeOptions"/> (the host's
/// configuration: CLUSTER_* environment variables, arguments or appsettings.json), the
/// registry, the <see cref="Concierge"/>, remoting over mutual TLS when CLUSTER_TLS_* say so
/// (<see cref="NodeTls"/>), and the HTTP API of <see cref="HttpApi"/> on
/// ASPNETCORE_URLS (or --urls).
/// </summary>
internal static class NodeHost
{
    public static async Task<int> Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var node = NodeOptions.From(builder.Configuration);
        builder.Services.AddAkka(NodeConfig.SystemName, akka =>
        {
            akka.AddHocon(NodeConfig.Load(), HoconAddMode.Prepend)
                .WithRemoting(node.Hostname, node.Port)
                .WithClustering(new ClusterOptions { Roles = [.. node.RoleList], SeedNodes = [.. node.SeedList] });
            if (NodeTls.Enabled(node))
                akka.AddHocon(NodeTls.Hocon, HoconAddMode.Prepend).AddSetup(NodeTls.Setup(node));
            // Akka's log through Microsoft.Extensions.Logging, formatted and filtered as the host's own.
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithProcessRegistry(o => o.AddKind(ChatRoom.Kind, (key, _) => ChatRoom.Props(key), ChatRoom.Options))
                .WithActors((system, actors) => actors.Register<Concierge>(system.ActorOf(Props.Create<Concierge>(), "concierge")))
                .AddStartup((system, _) =>
                {
                    // The first node of a cluster has no seed to join but itself.
                    var cluster = Cluster.Get(system);
                    if (node.SeedList.Count == 0)
                        cluster.Join(cluster.SelfAddress);
                });
        });
        builder.Services.AddProcessRegistry();
        builder.Services.AddHealthChecks().AddProcessRegistryHealthCheck();

        var app = builder.Build();
        HttpApi.Map(app);
        // Readiness: 503 until this node is an Up member holding its peers' snapshots.
        app.MapHealthChecks("/health/ready");
        await app.StartAsync();

        // One line each, so that scripts (and the multi-process spec) can find the node's addresses.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Console.WriteLine($"HTTP API on {string.Join(" ", addresses)}");
        Console.WriteLine($"Cluster node {Cluster.Get(app.Services.GetRequiredService<ActorSystem>()).SelfAddress}");

        await app.WaitForShutdownAsync();
        return 0;
    }
}
