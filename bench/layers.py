#!/usr/bin/env python3
"""The layer explorer's benchmark (`make bench`): Strata against `docker save > /dev/null` and
dive 0.13.1, measured in the same run on the same images.

Images (built once, kept between runs, labelled strata.bench=1; `make clean-bench` removes them):
  strata-bench/large:1  about 1.07 GB in 71,000 files over 7 layers (5 of data), with a cleanup
                        layer that hides a part of one
  strata-bench/small:1  10,000 small files

For each image and each of BENCH_RUNS rounds (default 5), in turn: `docker save IMAGE > /dev/null`,
a cold `strata inspect IMAGE --json` (a new, empty index cache), a cached re-inspect, and dive in
CI mode. Wall time, CPU time (user + system of the process and its children) and peak RSS are read
from wait4(). Medians are reported, with the ratios the layer-explorer issue sets targets for.
Results go to stdout and to artifacts/bench-layers.{json,md}.
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRATA = ROOT / "target/cli/release/strata"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
LABEL = "strata.bench=1"


def image_exists(reference):
    return subprocess.run(["docker", "image", "inspect", reference], capture_output=True).returncode == 0


def build(reference, dockerfile, fill):
    """Builds `reference` from a context that `fill(context_dir)` writes, unless it exists."""
    if image_exists(reference):
        return
    print(f"building {reference} (once; kept for later runs)…", flush=True)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as context:
        context = Path(context)
        shutil.copy("/bin/busybox", context / "busybox")
        (context / "Dockerfile").write_text(dockerfile)
        fill(context)
        subprocess.run(["docker", "build", "-q", "--label", LABEL, "-t", reference, str(context)], check=True,
                       stdout=subprocess.DEVNULL)


def fill_large(context):
    rng = random.Random(7)
    for part in range(5):
        for sub in range(20):
            folder = context / f"part{part}" / f"sub{sub}"
            folder.mkdir(parents=True)
            for number in range(710):
                size = rng.choice((1_000, 4_000, 8_000, 16_000, 24_000, 36_000))
                (folder / f"file{number}.bin").write_bytes(os.urandom(size))


LARGE = """FROM scratch
COPY busybox /bin/busybox
COPY part0 /data/part0
COPY part1 /data/part1
COPY part2 /data/part2
COPY part3 /data/part3
COPY part4 /data/part4
RUN ["/bin/busybox", "rm", "-rf", "/data/part4/sub0", "/data/part4/sub1"]
"""


def fill_small(context):
    folder = context / "files"
    for sub in range(100):
        (folder / f"d{sub}").mkdir(parents=True)
        for number in range(100):
            (folder / f"d{sub}" / f"f{number}.txt").write_text(f"file {sub}/{number}\n" * 8)


SMALL = """FROM scratch
COPY busybox /bin/busybox
COPY files /files
"""


def measure(command, env=None, stdout=subprocess.DEVNULL):
    """Runs a command; returns wall seconds, CPU seconds (user + system) and peak RSS in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "code": code, "stderr": stderr}


def strata_env(cache):
    env = dict(os.environ)
    env["STRATA_CACHE_DIR"] = str(cache)
    return env


# The floor any reader of an export pays: the export's bytes received from the daemon's socket into
# one reused 64 KiB buffer, nothing parsed, nothing hashed.
SOCKET_READ = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"GET /images/get?names=" + sys.argv[2].encode() + b" HTTP/1.1\\r\\nHost: docker\\r\\nConnection: close\\r\\n\\r\\n")
view = memoryview(bytearray(65536))
while s.recv_into(view):
    pass
"""


def docker_socket():
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    return host[len("unix://"):] if host.startswith("unix://") else "/var/run/docker.sock"


def round_of(reference, scratch):
    results = {}
    results["docker save"] = measure(["sh", "-c", f"docker save {reference} > /dev/null"])
    results["socket read only"] = measure([sys.executable, "-c", SOCKET_READ, docker_socket(), reference])
    cache = Path(tempfile.mkdtemp(dir=scratch))
    results["strata cold"] = measure([str(STRATA), "inspect", reference, "--json"], env=strata_env(cache))
    results["strata cached"] = measure([str(STRATA), "inspect", reference, "--json"], env=strata_env(cache))
    shutil.rmtree(cache)
    dive_env = dict(os.environ, CI="true")
    results["dive"] = measure(["dive", reference, "--ci-config", "/dev/null"], env=dive_env)
    for name, result in results.items():
        if name.startswith("strata") and result["code"] != 0:
            sys.exit(f"{name} failed: {result['stderr']}")
    return results


def require_success(results):
    """Stops the benchmark when a Strata run failed: its figures would mean nothing."""
    for name, result in results.items():
        if result["code"] != 0:
            sys.exit(f"{name} failed: {result['stderr']}")
    return results


def save_artifacts(name, text, figures):
    """Writes a benchmark's Markdown and JSON to artifacts/bench-NAME.{md,json}."""
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"bench-{name}.md").write_text(text)
    (artifacts / f"bench-{name}.json").write_text(json.dumps(figures, indent=2))


def medians(rounds):
    table = {}
    for name in rounds[0]:
        table[name] = {key: statistics.median(r[name][key] for r in rounds) for key in ("wall", "cpu", "rss_mib")}
    return table


def report(reference, table, files):
    save, cold, cached, dive = (table[k] for k in ("docker save", "strata cold", "strata cached", "dive"))
    ratios = {
        "cold wall / docker save wall (target <= 1.05)": cold["wall"] / save["wall"],
        "strata cold CPU / dive CPU (target <= 0.333)": cold["cpu"] / dive["cpu"],
        "strata peak RSS MiB (target <= 64)": cold["rss_mib"],
        "cached re-inspect ms (target <= 100)": cached["wall"] * 1000,
        "dive wall / strata cold wall": dive["wall"] / cold["wall"],
        "socket read only CPU / dive CPU (the floor)": table["socket read only"]["cpu"] / dive["cpu"],
    }
    return "\n".join(tables(f"{reference} ({files})", table, ratios)) + "\n", ratios


def tables(heading, table, ratios):
    """The median table and the ratios' table under a heading, as Markdown lines."""
    lines = [f"### {heading}", "", "| run | wall (median s) | CPU (median s) | peak RSS (MiB) |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {row['wall']:.3f} | {row['cpu']:.3f} | {row['rss_mib']:.0f} |" for name, row in table.items()]
    lines += ["", "| ratio | value |", "|---|---:|"]
    return lines + [f"| {name} | {value:.3f} |" for name, value in ratios.items()]


def main():
    for tool in ("docker", "dive"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed for the benchmark (`make bench` sets the PATH up)")
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-"))
    images = [("strata-bench/large:1", LARGE, fill_large, "≈1.07 GB, 71,000 files, 7 layers"),
              ("strata-bench/small:1", SMALL, fill_small, "10,000 files")]
    markdown = [f"## Layer explorer benchmark — {RUNS} rounds, medians\n"]
    everything = {}
    for reference, dockerfile, fill, files in images:
        build(reference, dockerfile, fill)
        rounds = []
        for number in range(RUNS):
            print(f"{reference}: round {number + 1} of {RUNS}", flush=True)
            rounds.append(round_of(reference, scratch))
        table = medians(rounds)
        text, ratios = report(reference, table, files)
        markdown.append(text)
        everything[reference] = {"medians": table, "ratios": ratios}
    shutil.rmtree(scratch, ignore_errors=True)
    output = "\n".join(markdown)
    print(output)
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-layers.md").write_text(output)
    (artifacts / "bench-layers.json").write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
