using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ProcessRegistry.Akka.Registry;
using Xunit;

namespace ProcessRegistry.Akka.Tests.Unit.Registry;

/// <summary>
/// The view's own table holds exactly what a dictionary would through growth, removals and
/// reuse of removed slots, and readers on other threads see a key that stays set throughout.
/// </summary>
public sealed class LocalViewSpecs
{
    private static readonly UniqueAddress Owner = new(new Address("akka.tcp", "spec", "127.0.0.1", 4001), 1);

    [Fact]
    public void Holds_what_a_dictionary_holds_through_sets_overwrites_and_removals()
    {
        var view = new LocalView();
        var expected = new Dictionary<string, EntryRecord>();
        var random = new Random(11);
        for (var step = 0; step < 200_000; step++)
        {
            // Few keys early and many later, so the table both grows and reuses removed slots.
            var key = $"k/{random.Next(step < 100_000 ? 500 : 50_000)}";
            if (random.Next(3) == 0)
            {
                Assert.Equal(expected.Remove(key, out var gone), view.TryRemove(key, out var removed));
                if (gone is not null) Assert.Same(gone, removed);
            }
            else
            {
                var record = Record(key, step);
                expected[key] = record;
                view.Set(record);
            }
        }

        Assert.Equal(expected.Count, view.Count);
        Assert.Equal(expected.Keys.Order(), view.Entries.Select(e => e.Key).Order());
        foreach (var (key, record) in expected)
        {
            Assert.True(view.TryGet(key, out var held));
            Assert.Same(record, held);
        }
        Assert.False(view.TryGet("k/absent", out _));
    }

    [Fact]
    public async Task Readers_always_find_a_key_that_stays_set_while_the_writer_grows_and_churns_the_table()
    {
        var view = new LocalView();
        var stable = Record("stable", 1);
        view.Set(stable);

        var misses = await MissesOfReadersWhile(view, stable, readers: 2, writer: () =>
        {
            for (var i = 0; i < 300_000; i++)
            {
                view.Set(Record($"churn/{i}", i));
                if (i % 3 == 0) view.TryRemove($"churn/{i / 2}", out _);
            }
        });

        Assert.Equal(0, misses);
    }

    [Fact]
    public void A_million_ordinary_keys_stay_on_the_fixed_hash()
    {
        var view = new LocalView();
        for (var i = 0; i < 1_000_000; i++)
            view.Set(Record($"key/{i}", i));

        Assert.False(view.IsRandomized);
        Assert.True(view.TryGet("key/777777", out _));
    }

    [Fact]
    public async Task Keys_chosen_to_collide_move_the_table_to_the_randomized_hash_and_no_reader_misses_a_key_meanwhile()
    {
        var view = new LocalView();
        var flood = CollidingKeys(LocalView.FloodProbes + 100);
        // The key read throughout sits at the head of the colliding run itself.
        var stable = Record(flood[0], 0);
        view.Set(stable);

        var misses = await MissesOfReadersWhile(view, stable, readers: 1, writer: () =>
        {
            for (var i = 1; i < flood.Length; i++)
                view.Set(Record(flood[i], i));
        });

        Assert.Equal(0, misses);
        Assert.True(view.IsRandomized);
        Assert.Equal(flood.Length, view.Count);
        Assert.All(flood, key => Assert.True(view.TryGet(key, out var held) && held.Key == key));
        Assert.True(view.TryRemove(flood[^1], out _));
        Assert.False(view.TryGet(flood[^1], out _));
    }

    /// <summary>How often readers on other threads failed to find <paramref name="stable"/> while <paramref name="writer"/> ran.</summary>
    private static async Task<int> MissesOfReadersWhile(LocalView view, EntryRecord stable, int readers, Action writer)
    {
        using var stop = new CancellationTokenSource();
        var misses = 0;
        var reading = Enumerable.Range(0, readers).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!view.TryGet(stable.Key, out var held) || !ReferenceEquals(held, stable))
                    Interlocked.Increment(ref misses);
            }
        })).ToArray();
        writer();
        await stop.CancelAsync();
        await Task.WhenAll(reading);
        return misses;
    }

    /// <summary>Keys whose fixed hashes share their low 12 bits: one home slot in any table of up to 4,096 slots.</summary>
    private static string[] CollidingKeys(int count)
    {
        var keys = new List<string>(count);
        Span<char> buffer = stackalloc char[32];
        for (long i = 0; keys.Count < count; i++)
        {
            "flood/".AsSpan().CopyTo(buffer);
            i.TryFormat(buffer[6..], out var written);
            var key = buffer[..(6 + written)];
            if ((KeyHash.Of(key) & 0xFFF) == 0)
                keys.Add(key.ToString());
        }
        return keys.ToArray();
    }

    private static EntryRecord Record(string key, long version) =>
        new(key, ActorRefs.Nobody, Owner, ImmutableDictionary<string, string>.Empty, 1, version, null);
}
