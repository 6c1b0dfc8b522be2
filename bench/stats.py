#!/usr/bin/env python3
"""The stats benchmark (part of `make bench`): 50 running containers (busybox sleeping, labelled
strata.bench=1, removed afterwards) followed for BENCH_SECONDS (default 60) by `strata stats
--json` (a stream a container, a reading a second each) and, in turn, by `docker stats` (the
docker CLI's live view). For each: the follower's CPU (user + system, from wait4) as a share of
one core, and the daemon's CPU over the same time (from /proc/<dockerd>/stat), against the daemon
idle. Results to stdout and artifacts/bench-stats.{json,md}.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the strata binary, the label)

CONTAINERS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
TICKS = os.sysconf("SC_CLK_TCK")


def dockerd_cpu():
    pid = subprocess.run(["pidof", "dockerd"], capture_output=True, text=True).stdout.split()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def follow(command):
    """Runs a follower for SECONDS; returns its CPU share of one core and the daemon's."""
    daemon_before = dockerd_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(SECONDS)
    process.send_signal(signal.SIGINT)
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    daemon = dockerd_cpu() - daemon_before
    return {"cpu_percent_of_a_core": (usage.ru_utime + usage.ru_stime) / wall * 100,
            "daemon_cpu_percent_of_a_core": daemon / wall * 100, "peak_rss_mib": usage.ru_maxrss / 1024}


def idle():
    before, started = dockerd_cpu(), time.perf_counter()
    time.sleep(SECONDS)
    return {"daemon_cpu_percent_of_a_core": (dockerd_cpu() - before) / (time.perf_counter() - started) * 100}


def main():
    layers.build("strata-bench/small:1", layers.SMALL, layers.fill_small)
    names = [f"strata-bench-stats-{n}" for n in range(CONTAINERS)]
    for name in names:
        subprocess.run(["docker", "run", "-d", "--name", name, "--label", layers.LABEL, "strata-bench/small:1",
                        "/bin/busybox", "sleep", "3600"], check=True, stdout=subprocess.DEVNULL)
    try:
        time.sleep(3)
        results = {"daemon idle": idle(),
                   "strata stats": follow([str(layers.STRATA), "stats", "--json"]),
                   "docker stats": follow(["docker", "stats"])}
    finally:
        subprocess.run(["docker", "rm", "-f", *names], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    strata, docker = results["strata stats"], results["docker stats"]
    figures = {
        "strata CPU, % of one core (target <= 2)": strata["cpu_percent_of_a_core"],
        "docker stats CPU, % of one core": docker["cpu_percent_of_a_core"],
        "daemon CPU under strata, % of one core": strata["daemon_cpu_percent_of_a_core"],
        "daemon CPU under docker stats, % of one core": docker["daemon_cpu_percent_of_a_core"],
        "daemon CPU idle, % of one core": results["daemon idle"]["daemon_cpu_percent_of_a_core"],
        "daemon under strata / under docker stats (target <= 1)":
            strata["daemon_cpu_percent_of_a_core"] / max(docker["daemon_cpu_percent_of_a_core"], 1e-9),
        "strata peak RSS MiB": strata["peak_rss_mib"],
    }
    lines = [f"## Stats benchmark — {CONTAINERS} running containers, {SECONDS:.0f} s each", "",
             "| figure | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in figures.items()]
    output = "\n".join(lines) + "\n"
    print(output)
    artifacts = layers.ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-stats.md").write_text(output)
    (artifacts / "bench-stats.json").write_text(json.dumps({"figures": figures, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
