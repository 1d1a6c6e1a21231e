using ProcessRegistry.Akka.Demo;

// dotnet run --project samples/ProcessRegistry.Akka.Demo              embedded 3-node cluster on loopback
// dotnet run --project samples/ProcessRegistry.Akka.Demo -- --node    one node with an HTTP API, configured
//                                                                     from the host's configuration (CLUSTER_*,
//                                                                     ASPNETCORE_URLS)
if (args.Contains("--node"))
    return await NodeHost.Run(args.Where(a => a != "--node").ToArray());

var rooms = args.SkipWhile(a => a != "--rooms").Skip(1).Select(int.Parse).FirstOrDefault(3000);
return await EmbeddedCluster.Run(rooms);
