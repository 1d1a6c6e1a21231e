using Akka.Actor;
using Akka.Event;

namespace ProcessRegistry.Akka.Demo;

/// <summary>
/// Akka's log for the embedded demo, written to the file <c>demo.log-file</c> names instead of the
/// console, where it would print over the live view (a downed node's and a shutdown's
/// "Disassociated" traces read like failures there; in the file they are a record).
/// </summary>
public sealed class FileLogger : ReceiveActor
{
    private readonly StreamWriter _file;

    public FileLogger()
    {
        _file = new StreamWriter(Context.System.Settings.Config.GetString("demo.log-file"), append: true) { AutoFlush = true };
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(log => _file.WriteLine(log.ToString()));
    }

    protected override void PostStop() => _file.Dispose();
}
