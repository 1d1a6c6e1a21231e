// The registry's closed forms of the generic replication and backstop types, by the names specs use.
global using BucketCopy = ProcessRegistry.Akka.Backstop.BucketCopy<ProcessRegistry.Akka.Registry.EntryRecord>;
global using OwnerSnapshot = ProcessRegistry.Akka.Replication.OwnerSnapshot<ProcessRegistry.Akka.Registry.EntryRecord>;
global using RecordsChanged = ProcessRegistry.Akka.Replication.RecordsChanged<ProcessRegistry.Akka.Registry.EntryRecord>;
global using RegistryBucket = ProcessRegistry.Akka.Backstop.ReplicatedBucket<ProcessRegistry.Akka.Registry.EntryRecord>;
global using RegistrySlice = ProcessRegistry.Akka.Backstop.OwnerSlice<ProcessRegistry.Akka.Registry.EntryRecord>;
global using RegistrySliceWrite = ProcessRegistry.Akka.Backstop.SliceWrite<ProcessRegistry.Akka.Registry.EntryRecord>;
global using RemovalHints = ProcessRegistry.Akka.Replication.RemovalHints<ProcessRegistry.Akka.Registry.EntryRecord>;
