using ProcessRegistry.Akka.Demo;

// dotnet run --project samples/ProcessRegistry.Akka.Demo            embedded 3-node cluster on loopback
// dotnet run --project samples/ProcessRegistry.Akka.Demo -- --node  one node, configured from the environment
var rooms = args.SkipWhile(a => a != "--rooms").Skip(1).Select(int.Parse).FirstOrDefault(3000);
return args.Contains("--node")
    ? await NodeHost.Run(rooms)
    : await EmbeddedCluster.Run(rooms);
