#!/usr/bin/env bash
# Every figure the README's "Measured" quotes, each beside its peer, in one sitting on one build:
# registration beside syn (sitting.sh), then every other mode, whose peer runs in the same
# invocation (ConcurrentDictionary, DData, raw sharding, a ShardRegion Ask, Akka's own death
# watch). Nothing else should run meanwhile. About 45 minutes on two cores.
#
#   benchmarks/full-sitting.sh [syn checkout or bare git dir] > sitting.log
#
# Modes whose nodes are OS processes run them with the node settings (workstation GC, tiered
# compilation off); modes that run three nodes in one process keep the benchmark's own runtime
# configuration (server GC), as RESULTS.md states for each.
set -euo pipefail
cd "$(dirname "$0")/.."
syn="${1:-/work/.mirror/ostinelli+syn/repo}"
dotnet build benchmarks/ProcessRegistry.Akka.Benchmarks -c Release -v q -nologo >/dev/null
bench=benchmarks/ProcessRegistry.Akka.Benchmarks/bin/Release/net10.0/ProcessRegistry.Akka.Benchmarks.dll
echo "# Sitting of $(date -u '+%Y-%m-%d %H:%M') UTC, commit $(git rev-parse --short HEAD) ($(git log -1 --format=%s | cut -c1-80))"
# The benchmark's own lines: tables and the lines that say what ran, not Akka's log or a stack
# trace printed at shutdown.
own() { grep -vE '^(\[|\s+at |\s*$)|Exception' || true; }
run() { local heading=$1; shift; echo; echo "## $heading"; dotnet "$bench" "$@" 2>/dev/null | own; }
mode() { run "$*" "$@"; }
deployed() { DOTNET_gcServer=0 DOTNET_TieredCompilation=0 run "$* (node settings)" "$@"; }

echo; echo "## registration as deployed, beside syn (sitting.sh 3)"
bash benchmarks/sitting.sh 3 "$syn"
deployed propagation-deployed 1000
deployed propagation-deployed 3000 1000
mode propagation 1000
deployed spawn-deployed 2000 4
mode spawn 2000 4
mode roundtrip 10000
deployed kill-floor 50000 3
mode placement 30000 10000 2
mode respawn 3000 2
mode rebalance 10000 1000
mode scale 1000000
echo; echo "## lookup"
dotnet "$bench" lookup --filter '*' 2>/dev/null | grep -E '^\|' || true
