using Akka.Actor;
using FsCheck;
using FsCheck.Fluent;
using ProcessRegistry.Akka.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace ProcessRegistry.Akka.Tests.MultiNode.Registry;

/// <summary>
/// Properties over the public API with generated input: keys and labels of every shape (empty,
/// the length limit and one past it, control characters, surrogate pairs, lone surrogates), pids
/// that are and are not processes, on either node. Each call either throws ArgumentException
/// before anything is written, or is carried out (or refused as taken); and after every run of
/// calls both nodes hold the same entries.
/// </summary>
public sealed class RegistryPropertySpecs(ITestOutputHelper output)
    : ClusterSpec(output, "akka.cluster.process-registry { max-key-length = 8, max-metadata-entries = 2, max-metadata-bytes = 24 }")
{
    private const int MaxKeyLength = 8;

    [Fact]
    public async Task Every_call_is_refused_before_it_writes_or_carried_out_and_the_nodes_converge()
    {
        var nodes = await StartCluster(2);
        var runs = 0;
        var property = Prop.ForAll(Arb.From(Gen.ListOf(Call).Select(calls => calls.Take(25).ToList())), calls =>
        {
            runs++;
            // FsCheck's properties are synchronous; this test thread is not an actor.
            Run(nodes, calls).GetAwaiter().GetResult();
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25).WithReplay(2026, 13), property);

        Assert.Equal(25, runs);
    }

    private async Task Run(ActorSystem[] nodes, List<ApiCall> calls)
    {
        foreach (var call in calls)
        {
            var node = nodes[call.Node];
            var pid = call.Pid switch
            {
                PidKind.Process => RefOn(node, SpawnProcess(nodes[call.PidNode]), nodes[call.PidNode]),
                PidKind.KeyBoundRef => node.Registry().RefFor("bound"),
                PidKind.Stopped => await Stopped(node),
                _ => ActorRefs.Nobody,
            };
            var valid = IsValidKey(call.Key) && call.Kind switch
            {
                CallKind.Register => IsValidMetadata(call.Metadata) && call.Pid == PidKind.Process,
                CallKind.Update => call.Metadata!.All(p => p.Key.Length > 0 && IsWellFormed(p.Key) && IsWellFormed(p.Value)),
                _ => true,
            };
            // A refusal must leave this node as it was: let earlier calls settle first.
            if (!valid) await Converged(nodes);
            var before = Describe(node);
            Task carried;
            try
            {
                carried = call.Kind switch
                {
                    CallKind.Register => node.Registry().Register(call.Key!, pid, call.Metadata),
                    CallKind.Unregister => node.Registry().Unregister(call.Key!),
                    _ => node.Registry().UpdateMetadata(call.Key!, call.Metadata!.ToDictionary(p => p.Key, p => (string?)p.Value)),
                };
            }
            catch (ArgumentException) when (!valid)
            {
                Assert.Equal(before, Describe(node));
                continue;
            }
            Assert.True(valid, $"{call} was accepted");
            try
            {
                await carried;
            }
            catch (KeyAlreadyRegisteredException) when (call.Kind == CallKind.Register)
            {
            }
            catch (ArgumentException) when (call.Kind == CallKind.Update)
            {
                // The patched metadata would exceed the limits: refused by the owner, nothing written.
            }
        }
        await Converged(nodes);
    }

    private Task Converged(ActorSystem[] nodes) =>
        AwaitAssertAsync(() => Assert.Equal(Describe(nodes[0]), Describe(nodes[1])), Patience, TimeSpan.FromMilliseconds(5));

    /// <summary><paramref name="pid"/> as <paramref name="caller"/> holds it: its own ref, or a remote one to another node's process.</summary>
    private static IActorRef RefOn(ActorSystem caller, IActorRef pid, ActorSystem host) =>
        ReferenceEquals(caller, host) ? pid : RemoteRef(caller, pid, host);

    private static async Task<IActorRef> Stopped(ActorSystem node)
    {
        var process = SpawnProcess(node);
        await process.GracefulStop(TimeSpan.FromSeconds(30));
        return process;
    }

    private static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && IsWellFormed(key);

    private static bool IsValidMetadata(Dictionary<string, string>? metadata) =>
        metadata is not null && metadata.Count <= 2 &&
        metadata.All(p => p.Key.Length > 0 && IsWellFormed(p.Key) && IsWellFormed(p.Value)) &&
        metadata.Sum(p => System.Text.Encoding.UTF8.GetByteCount(p.Key) + System.Text.Encoding.UTF8.GetByteCount(p.Value)) <= 24;

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }

    private static List<string> Describe(ActorSystem node) =>
        node.Registry().Entries()
            .Select(e => $"{e.Key}|{e.Pid.Path.ToStringWithAddress(e.Node)}|{e.Node}|{string.Join(",", e.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)
            .ToList();

    // ---- generators -------------------------------------------------------------------------

    /// <summary>Text of every shape the API must either take or refuse.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements("a", "b", "k/1", "k/2", "room"),                                  // few keys: collisions
        Gen.Elements("", new string('x', MaxKeyLength - 1), new string('x', MaxKeyLength), new string('x', MaxKeyLength + 1)),
        Gen.Elements("\u0000", "a\u0001b", "\t\n", "\u007F"),                          // control characters
        Gen.Elements("\uD83D\uDE00", "a\uD83C\uDF89"),                                 // surrogate pairs
        Gen.Elements("\uD800", "a\uDC00", "\uDBFF", "x\uD83D"),                        // lone surrogates
        Gen.ArrayOf(Gen.Choose(0, 0xFFFF).Select(c => (char)c)).Select(chars => new string(chars.Take(MaxKeyLength + 2).ToArray())));

    private static readonly Gen<Dictionary<string, string>?> Metadata = Gen.OneOf(
        Gen.Constant<Dictionary<string, string>?>(new Dictionary<string, string>()),
        Gen.ListOf(Gen.Zip(Text, Text)).Select(pairs => (Dictionary<string, string>?)pairs.Take(3)
            .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2)));

    private static readonly Gen<ApiCall> Call =
        from kind in Gen.Elements(CallKind.Register, CallKind.Register, CallKind.Unregister, CallKind.Update)
        from node in Gen.Choose(0, 1)
        from key in Gen.Frequency((9, Text.Select(t => (string?)t)), (1, Gen.Constant<string?>(null)))
        from metadata in Metadata
        from pid in Gen.Frequency((8, Gen.Constant(PidKind.Process)), (1, Gen.Constant(PidKind.KeyBoundRef)), (1, Gen.Constant(PidKind.Stopped)), (1, Gen.Constant(PidKind.Nobody)))
        from pidNode in Gen.Choose(0, 1)
        select new ApiCall(kind, node, key, metadata, pid, pidNode);

    private enum CallKind { Register, Unregister, Update }

    private enum PidKind { Process, KeyBoundRef, Stopped, Nobody }

    private sealed record ApiCall(CallKind Kind, int Node, string? Key, Dictionary<string, string>? Metadata, PidKind Pid, int PidNode)
    {
        public override string ToString() =>
            $"{Kind} on node {Node}: key {Escape(Key)}, metadata {{{string.Join(", ", (Metadata ?? new()).Select(p => $"{Escape(p.Key)}={Escape(p.Value)}"))}}}, pid {Pid} on {PidNode}";

        private static string Escape(string? text) => text is null ? "null" : string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
