#!/usr/bin/env python3
"""The README's chart, drawn from the log of one sitting (benchmarks/full-sitting.sh), so that
every bar comes from that sitting and sits beside its peer of the same sitting.

    python3 benchmarks/chart.py sitting.log > benchmarks/results.svg
"""
import math
import re
import statistics
import sys
from html import escape

OURS, PEER = "#2b7bb9", "#9aa5b1"


def sections(log):
    """The log's output per '## mode' heading."""
    parts, name = {}, None
    for line in log.splitlines():
        if line.startswith("## "):
            name = line[3:].strip()
            parts.setdefault(name, [])
        elif name is not None:
            parts[name].append(line)
    return parts


def rows(lines):
    """Table rows as lists of cells, header and rule rows left out."""
    rule = re.compile(r"^\|[-: |]+\|$")
    table = []
    for line, following in zip(lines, lines[1:] + [""]):
        if line.startswith("|") and not rule.match(line) and not rule.match(following):
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return table


def number(text):
    return float(re.sub(r"[^0-9.]", "", text.split()[0]))


def nanos(text):
    value, unit = text.replace(",", "").split()[:2]
    return float(value) * {"ns": 1, "μs": 1e3, "us": 1e3, "ms": 1e6}[unit]


def registration(parts):
    """syn's register rate per round, and ours with the node settings: round 1 of each sitting.sh round (new), rounds 2-3 (warm)."""
    syn, new, warm = [], [], []
    settings = False
    for name, lines in parts.items():
        if not name.startswith("round "):
            continue
        for line in lines:
            if line.startswith("syn ") and " register " in line:
                syn.append(float(line.split(" register ")[1].split()[0]))
            elif line.startswith("ours,"):
                settings = "tiered compilation off" in line
            elif settings and line.startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if cells[1] == "register":
                    (new if cells[0] == "1" else warm).append(float(cells[4]))
    return statistics.median(syn), statistics.median(new), statistics.median(warm)


def find(parts, prefix):
    return next(lines for name, lines in parts.items() if name.startswith(prefix))


def chart(log):
    parts = sections(log)
    charts = []

    lookup = {r[0]: nanos(r[1]) for r in rows(find(parts, "lookup"))}
    charts.append(("Lookup hit, ns, 100k keys (lower is better; log scale; target 1.3× the dictionary)", True, [
        ("GetPid", lookup["RegistryGetPid"], OURS, "{:,.1f}"),
        ("ConcurrentDictionary", lookup["ConcurrentDictionaryTryGetValue"], PEER, "{:,.1f}"),
        ("ActorSelection.ResolveOne", lookup["ActorSelectionResolveOne"], PEER, "{:,.0f}"),
        ("ShardRegion Ask", lookup["ShardRegionAskRoundTrip"], PEER, "{:,.0f}")]))

    steady = rows(find(parts, "propagation-deployed 3000 1000"))[0]
    local = {r[0]: r for r in rows(find(parts, "propagation 1000"))}
    polled = next(r for name, r in local.items() if "Get(ReadLocal)" in name)
    charts.append(("Propagation p99, ms, register on A → C has it (lower is better; target 5)", False, [
        ("ours, nodes as processes, 1k/s", number(steady[3]), OURS, "{:.1f}"),
        ("ours, one process", number(next(r for n, r in local.items() if n.startswith("ProcessRegistry"))[3]), OURS, "{:.1f}"),
        ("DData WriteAll, C polls Get", number(polled[3]), PEER, "{:.1f}")]))

    syn, new, warm = registration(parts)
    charts.append(("Registrations/s with propagation, 100k processes, nodes as OS processes (higher is better; target 2× syn)", False, [
        ("ours, new processes", new, OURS, "{:,.0f}"),
        ("ours, warm", warm, OURS, "{:,.0f}"),
        ("syn, same sitting", syn, PEER, "{:,.0f}")]))

    spawned = rows(find(parts, "spawn-deployed"))
    ours = statistics.median(number(r[2]) for r in spawned if r[0] != "1" and not r[1].startswith("ShardRegion"))
    raw = statistics.median(number(r[2]) for r in spawned if r[0] != "1" and r[1].startswith("ShardRegion"))
    charts.append(("Spawn on demand as deployed, new keys/s from 3 nodes (higher is better; median of rounds 2-4)", False, [
        ("GetPid(key, props)", ours, OURS, "{:,.0f}"), ("raw StartEntity, told", raw, PEER, "{:,.0f}")]))

    trips = rows(find(parts, "roundtrip"))
    charts.append(("Round trip to a process on another node, p50 ms (lower is better)", False, [
        (r[0], number(r[1]), OURS if r[0].startswith("GetPid") else PEER, "{:.3f}") for r in trips]))

    scale = {r[0]: r for r in rows(find(parts, "scale"))}
    memory = scale["managed memory per entry per node"]
    charts.append(("1M keys: managed memory per entry per node, bytes (lower is better; target 150)", False, [
        ("ProcessRegistry.Akka", number(memory[1]), OURS, "{:.0f}"),
        ("ConcurrentDictionary floor", number(memory[2].split(":")[1]), PEER, "{:.0f}")]))
    charts.append(("1M keys: a new node holds every entry, s after it is Up (lower is better; target 1)", False, [
        ("ProcessRegistry.Akka", number(scale["the same, from the moment it is Up"][1]), OURS, "{:.1f}")]))
    return charts


def svg(charts, note):
    out, y = [], 30
    for title, log_scale, bars in charts:
        out.append(f'<text x="10" y="{y}" font-size="15" font-weight="bold">{escape(title)}</text>')
        top = max(value for _, value, _, _ in bars)
        scale = (lambda v: 520 * math.log10(max(v, 1)) / math.log10(top)) if log_scale else (lambda v: 520 * v / top)
        for label, value, colour, form in bars:
            y += 30
            width = max(scale(value), 2)
            out.append(f'<text x="10" y="{y - 2}" font-size="13">{escape(label)}</text>'
                       f'<rect x="300" y="{y - 18}" width="{width:.1f}" height="22" fill="{colour}"/>'
                       f'<text x="{306 + width:.1f}" y="{y - 2}" font-size="13">{form.format(value)}</text>')
        y += 48
    out.append(f'<text x="10" y="{y - 16}" font-size="12">{escape(note)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{y}" font-family="sans-serif">'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(out) + "</svg>\n")


if __name__ == "__main__":
    text = open(sys.argv[1], encoding="utf-8").read()
    heading = text.splitlines()[0].lstrip("# ")
    sys.stdout.write(svg(chart(text), f"Blue: ProcessRegistry.Akka. Grey: its peer in the same sitting ({heading.split(' (')[0]}). 2 cores, loopback, .NET 10."))
