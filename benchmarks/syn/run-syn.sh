#!/usr/bin/env bash
# syn's own registry benchmark (test/syn_benchmark.erl), built from a snapshot of syn with Debian's
# Erlang, run as syn runs it: a master node that observes and NODES_COUNT peer nodes, each its own
# OS process (OTP's peer module), PROCESS_COUNT processes, WORKERS_PER_NODE workers per peer.
#
#   benchmarks/syn/run-syn.sh [syn checkout or bare git dir] [runs]
#
# Prints one line per run: "syn <run> register <r/s> unregister <r/s> re-register <r/s> kill <r/s>".
# Needs erlang-nox (apt-get install erlang-nox). rebar3's test profile wants proper from hex,
# which cannot be fetched here, so the modules are compiled with erlc.
set -euo pipefail
source="${1:-/work/.mirror/ostinelli+syn/repo}"
runs="${2:-1}"
command -v erlc >/dev/null || { echo "erlc not found: apt-get install erlang-nox" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -f "$source/src/syn.erl" ]; then
  cp -r "$source/src" "$source/test" "$work/"
  revision=$(git -C "$source" rev-parse --short HEAD 2>/dev/null || echo "a checkout")
else
  git --git-dir="$source" archive HEAD src test | tar -x -C "$work"
  revision=$(git --git-dir="$source" rev-parse --short HEAD)
fi
mkdir -p "$work/ebin"
# The behaviour first, so the modules that implement it compile against it.
erlc -o "$work/ebin" "$work/src/syn_gen_scope.erl"
erlc -pa "$work/ebin" -o "$work/ebin" "$work"/src/*.erl "$work/test/syn_benchmark.erl"
cp "$work/src/syn.app.src" "$work/ebin/syn.app"

# Long node names must resolve: the peers are named after this host, which gets a domain and
# the loopback address (without a dot in the host name a peer's distribution does not start).
cat > "$work/inetrc" <<INETRC
{host, {127,0,0,1}, ["$(hostname).local", "$(hostname)"]}.
{domain, "local"}.
{lookup, [file, native]}.
INETRC

echo "syn ${revision}, $(erl -noshell -eval 'io:format("OTP ~s~n", [erlang:system_info(otp_release)]), halt().'), 100000 processes from 2 peer nodes x 100 workers"
for run in $(seq 1 "$runs"); do
  out=$(cd "$work" && ERL_INETRC="$work/inetrc" PROCESS_COUNT=100000 WORKERS_PER_NODE=100 NODES_COUNT=2 SKIP_PG=1 \
    erl -name "syn_bench_master@127.0.0.1" -noshell +P 5000000 -pa "$work/ebin" -eval 'syn_benchmark:start().')
  rate() { echo "$out" | grep -F "$1" | grep -oE '[0-9]+(\.[0-9]+)?/sec' | head -1 | cut -d/ -f1 | cut -d. -f1; }
  echo "syn $run register $(rate '> Registration rate') unregister $(rate '> Unregisteration rate') re-register $(rate '> Re-registeration rate') kill $(rate '> Unregistered after kill rate')"
done
