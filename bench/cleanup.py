#!/usr/bin/env python3
"""The cleanup benchmark (part of `make bench`): 1,000 images (50 repositories × 20 tags, labelled
strata.bench=1, loaded from one generated archive: their configs differ, their layers form a tree
of shared bases, as real tags of real projects do), then BENCH_RUNS rounds (default 5) of:
- `strata prune --plan --json` with a policy (keep the newest 3 tags, keep `latest`) in a new
  process: the first run asks the daemon for every image's layers, later ones read them from
  the cache file (the bench uses a cache folder of its own);
- `docker system df` (the daemon's own accounting, which Docker Desktop's cleanup shows);
and, in one process, the time to plan again after a change of policy (plan, space, family tree and
treemap, what the window recomputes on each click), median of 50. The images are removed at the
end. Results to stdout and artifacts/bench-cleanup.{json,md}.
"""
import hashlib
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the strata binary, the label, BENCH_RUNS)

REPOSITORIES = 50
TAGS = 20
MARK = "strata.bench.prune"


def layer_tar(number):
    """A layer with one small file of its own."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        content = (f"layer {number}\n" * (200 + number * 37)).encode()
        info = tarfile.TarInfo(f"layer-{number}.txt")
        info.size, info.mtime = len(content), 1_700_000_000
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def archive(path):
    """A docker-save archive of 1,000 images over 20 layers: a common base, then one of 5, one of
    7 and one of 7 more (245 distinct stacks, so branches share to different depths)."""
    blobs = [layer_tar(n) for n in range(20)]
    digests = ["sha256:" + hashlib.sha256(b).hexdigest() for b in blobs]
    manifest = []
    with tarfile.open(path, "w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
        for n, blob in enumerate(blobs):
            add(f"layer{n}/layer.tar", blob)
        for i in range(REPOSITORIES * TAGS):
            stack = [0, 1 + i % 5, 6 + i % 7, 13 + (i // 7) % 7]
            created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + i * 3600))
            config = json.dumps({
                "architecture": "amd64", "os": "linux", "created": created,
                "config": {"Labels": {"strata.bench": "1", MARK: "1", "number": str(i)}},
                "rootfs": {"type": "layers", "diff_ids": [digests[n] for n in stack]},
                "history": [{"created": created, "created_by": f"COPY layer-{n}.txt /"} for n in stack],
            }).encode()
            name = hashlib.sha256(config).hexdigest() + ".json"
            add(name, config)
            repository, tag = f"strata-bench/prune-{i % REPOSITORIES}", str(i // REPOSITORIES)
            manifest.append({"Config": name, "RepoTags": [f"{repository}:{tag}"],
                             "Layers": [f"layer{n}/layer.tar" for n in stack]})
        add("manifest.json", json.dumps(manifest).encode())


def loaded():
    out = subprocess.run(["docker", "images", "-q", "--filter", f"label={MARK}=1"], capture_output=True, text=True)
    return len(set(out.stdout.split()))


def remove_loaded():
    """Removes the 1,000 images again (only those carrying the benchmark's mark)."""
    ids = sorted(set(subprocess.run(["docker", "images", "-q", "--filter", f"label={MARK}=1"],
                                    capture_output=True, text=True).stdout.split()))
    if ids:
        subprocess.run(["docker", "rmi", "-f", *ids], check=True, stdout=subprocess.DEVNULL)


def timed(command):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{command[0]} failed: {result.stderr}")
    return time.perf_counter() - started, result.stdout


def main():
    if loaded() < REPOSITORIES * TAGS:
        path = Path("/tmp/strata-bench-prune.tar")
        archive(path)
        subprocess.run(["docker", "load", "-q", "-i", str(path)], check=True, stdout=subprocess.DEVNULL)
        path.unlink()
    print(f"{loaded()} benchmark images loaded", flush=True)
    cache = Path("/tmp/strata-bench-cleanup-cache")
    os.environ["STRATA_CACHE_DIR"] = str(cache)
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    plan_command = [str(layers.STRATA), "prune", "--plan", "--json", "--keep-newest", "3",
                    "--keep-tag", "latest", "--label", f"{MARK}=1"]
    strata_runs, docker_runs = [], []
    for number in range(layers.RUNS):
        seconds, output = timed(plan_command)
        strata_runs.append(seconds)
        items = len(json.loads(output)["items"])
        docker_runs.append(timed(["docker", "system", "df"])[0])
        print(f"round {number + 1}: strata plan {seconds * 1000:.0f} ms ({items} items), "
              f"docker system df {docker_runs[-1] * 1000:.0f} ms", flush=True)
    replan = subprocess.run(["cargo", "run", "--release", "--quiet", "--no-default-features", "--example",
                             "cleanup_plan", "--target-dir", "target/cli", "--", f"{MARK}=1"],
                            capture_output=True, text=True, check=True).stdout
    results = {
        "images": loaded(),
        "strata prune --plan, first run, empty cache (ms)": strata_runs[0] * 1000,
        "strata prune --plan, later runs (ms)": statistics.median(strata_runs[1:] or strata_runs) * 1000,
        "docker system df (ms)": statistics.median(docker_runs) * 1000,
        "in-process": json.loads(replan),
    }
    print(json.dumps(results, indent=2))
    remove_loaded()
    out = Path(__file__).resolve().parent.parent / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "bench-cleanup.json").write_text(json.dumps(results, indent=2))
    inproc = results["in-process"]
    (out / "bench-cleanup.md").write_text(
        f"## Cleanup benchmark — {results['images']} images, {layers.RUNS} rounds, medians\n\n"
        "| step | median ms | target |\n|---|---:|---:|\n"
        f"| plan again after a policy change (plan + space + family + treemap, in process) | {inproc['replan_ms']:.1f} | ≤ 300 |\n"
        f"| plan alone, in process | {inproc['plan_ms']:.2f} | |\n"
        f"| reading the facts: lists + every image's layers asked of the daemon, in process | {inproc['gather_cold_ms']:.0f} | |\n"
        f"| reading the facts: lists + layers from the cache file, in process | {inproc['gather_ms']:.0f} | |\n"
        f"| `strata prune --plan --json`, a new process, first run (empty cache) | {results['strata prune --plan, first run, empty cache (ms)']:.0f} | |\n"
        f"| `strata prune --plan --json`, a new process, later runs | {results['strata prune --plan, later runs (ms)']:.0f} | ≤ 300 |\n"
        f"| `docker system df`, for reference | {results['docker system df (ms)']:.0f} | |\n")


if __name__ == "__main__":
    main()
