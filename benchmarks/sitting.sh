#!/usr/bin/env bash
# One sitting: syn's benchmark and ours in the deployment shape (every node its own OS process on
# 127.0.0.1), interleaved so that both see the same machine. Nothing else should run meanwhile.
#
#   benchmarks/sitting.sh [rounds of each] [syn checkout or bare git dir]
#
# Ours runs twice per round: with the benchmark's runtime configuration (server GC, tiered
# compilation), and with the node settings RESULTS.md measured better for three nodes on two
# cores: workstation GC and tiered compilation off (each method compiled once, optimized,
# before it first runs), set for every node process through the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
syn="${2:-/work/.mirror/ostinelli+syn/repo}"
dotnet build benchmarks/ProcessRegistry.Akka.Benchmarks -c Release -v q -nologo >/dev/null
bench=benchmarks/ProcessRegistry.Akka.Benchmarks/bin/Release/net10.0/ProcessRegistry.Akka.Benchmarks.dll
ours() { dotnet "$bench" register-deployed 100000 3 | grep -E '^\| [0-9]'; }
for round in $(seq 1 "$rounds"); do
  echo "## round $round"
  bash benchmarks/syn/run-syn.sh "$syn" 1 2>/dev/null | grep -E '^syn [0-9]'
  echo "ours, server GC, tiered compilation"; ours
  echo "ours, workstation GC, tiered compilation off"; DOTNET_gcServer=0 DOTNET_TieredCompilation=0 ours
done
