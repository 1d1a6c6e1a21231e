using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Akka.Event;
using Akka.Serialization;

namespace ProcessRegistry.Akka.Backstop;

/// <summary>
/// A DData durable store (the replicator's <c>durable.store-actor-class</c>) that keeps each
/// durable DData key in a file of its own: written whole to a temporary file, flushed to disk and
/// renamed over the old one, so a crash leaves the old content or the new, never half of either.
/// </summary>
/// <remarks>
/// The registry's durable data is a few dozen small keys, written at most once per sync interval
/// each, which files serve as well as a database. Akka's LightningDB store would do, but the
/// LightningDB release it needs is not the one the feed serves (its LoadAll fails with a
/// MissingMethodException), and this store needs no native library. A file that cannot be read
/// is logged and left out: losing one key's durable data beats a replicator that stops.
/// </remarks>
internal sealed class FileDurableStore : ReceiveActor
{
    private const byte FormatVersion = 1;
    private const string Extension = ".ddata";

    private readonly string _directory;
    private readonly SerializerWithStringManifest _serializer;
    private readonly string _manifest;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <param name="config">The replicator's <c>durable</c> section; <c>file.dir</c> names the directory.</param>
    public FileDurableStore(Config config)
    {
        var directory = config.GetString("file.dir", "");
        if (string.IsNullOrWhiteSpace(directory))
            throw new ConfigurationException("The registry's durable store needs a directory (akka.cluster.process-registry.spawn.durable.store-directory).");
        _directory = Path.GetFullPath(directory);
        _serializer = (SerializerWithStringManifest)Context.System.Serialization.FindSerializerForType(typeof(DurableDataEnvelope));
        _manifest = _serializer.Manifest(new DurableDataEnvelope(GCounter.Empty));
        Receive<LoadAll>(_ => LoadAll());
        Receive<Store>(Store);
    }

    protected override void PreStart()
    {
        Directory.CreateDirectory(_directory);
        _log.Info("Keeps durable data in [{0}].", _directory);
    }

    private void LoadAll()
    {
        var data = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>();
        foreach (var file in Directory.EnumerateFiles(_directory, "*" + Extension))
        {
            var key = KeyOf(file);
            if (key is null) continue;
            try
            {
                var bytes = File.ReadAllBytes(file);
                if (bytes.Length == 0 || bytes[0] != FormatVersion)
                    throw new InvalidDataException($"format version {(bytes.Length == 0 ? "missing" : bytes[0].ToString())}, expected {FormatVersion}");
                data[key] = (DurableDataEnvelope)_serializer.FromBinary(bytes.AsSpan(1).ToArray(), _manifest);
            }
            catch (Exception ex)
            {
                _log.Error(ex, "Left out durable data [{0}] from [{1}], which cannot be read.", key, file);
            }
        }
        if (data.Count > 0)
            Sender.Tell(new LoadData(data.ToImmutable()));
        Sender.Tell(LoadAllCompleted.Instance);
    }

    private void Store(Store store)
    {
        try
        {
            var file = FileOf(store.Key);
            var temporary = file + ".tmp";
            var payload = _serializer.ToBinary(store.Data);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(FormatVersion);
                stream.Write(payload);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: true);
            store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "Could not store durable data [{0}] in [{1}].", store.Key, _directory);
            store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
        }
    }

    /// <summary>A DData key's file: its name in hexadecimal UTF-8, so no key names a path of its own.</summary>
    private string FileOf(string key) => Path.Combine(_directory, Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(key)) + Extension);

    private static string? KeyOf(string file)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromHexString(Path.GetFileNameWithoutExtension(file)));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
