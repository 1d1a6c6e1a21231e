// One bucket of the replicated registry: key -> record, last writer wins.
global using BucketData = Akka.DistributedData.LWWDictionary<string, ProcessRegistry.Akka.Replication.EntryRecord>;
