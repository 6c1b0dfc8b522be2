#!/usr/bin/env python3
"""Reading an image straight from a registry (part of `make bench`): the 1 GB bench image
(strata-bench/large:1, about 1.07 GB of random files in 7 layers) pushed by the daemon to Debian's
docker-registry on 127.0.0.1 (gzip layers), then, in the same run, each round in turn:

  - strata cold:     `strata inspect registry://…` with an empty index cache;
  - strata cached:   the same again (the registry's log counts the blob requests it made: none);
  - skopeo + dive:   what a user does today — `skopeo copy docker://… docker-archive:FILE`, then
                     `dive docker-archive://FILE` in CI mode;
  - skopeo only:     `skopeo copy docker://… oci:DIR`, the transfer floor (no decompression).

Medians of BENCH_RUNS rounds (default 5); wall, CPU (user + system, children included) and peak
RSS from wait4(). Results to stdout and artifacts/bench-registry.{json,md}.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the same machinery: images, measuring, the strata binary)

IMAGE = "strata-bench/large:1"
REPOSITORY = "strata-bench/large"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_registry(folder):
    """docker-registry on a free port, logging each request to folder/registry.log."""
    port = free_port()
    config = folder / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: info\n  formatter: text\n"
        f"storage:\n  filesystem:\n    rootdirectory: {folder / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n")
    log = open(folder / "registry.log", "w")
    process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    sys.exit("docker-registry did not start (make deps installs it)")


def blob_requests(log):
    """GET requests for blobs the registry has logged so far."""
    text = log.read_text(errors="replace")
    return sum(1 for line in text.splitlines() if "response completed" in line and "/blobs/sha256:" in line
               and 'http.request.method=GET' in line)


def push(address):
    target = f"{address}/{REPOSITORY}:1"
    subprocess.run(["docker", "tag", IMAGE, target], check=True)
    print(f"pushing {IMAGE} to {address} (gzip layers)…", flush=True)
    subprocess.run(["docker", "push", "-q", target], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["docker", "rmi", target], check=True, stdout=subprocess.DEVNULL)
    return target


def round_of(target, scratch, log):
    results = {}
    cache = Path(tempfile.mkdtemp(dir=scratch))
    inspect = [str(layers.STRATA), "inspect", f"registry://{target}", "--json"]
    before = blob_requests(log)
    results["strata cold"] = layers.measure(inspect, env=layers.strata_env(cache))
    middle = blob_requests(log)
    results["strata cached"] = layers.measure(inspect, env=layers.strata_env(cache))
    blobs = (middle - before, blob_requests(log) - middle)
    shutil.rmtree(cache)
    archive, oci = scratch / "image.tar", scratch / "oci"
    copy = ["skopeo", "copy", "--quiet", "--src-tls-verify=false", f"docker://{target}"]
    both = f"{' '.join(copy)} docker-archive:{archive} && dive docker-archive://{archive} --ci-config /dev/null"
    results["skopeo + dive"] = layers.measure(["sh", "-c", both], env=dict(os.environ, CI="true"))
    archive.unlink(missing_ok=True)
    results["skopeo only"] = layers.measure(copy + [f"oci:{oci}"])
    shutil.rmtree(oci, ignore_errors=True)
    for name, result in results.items():
        if result["code"] != 0:
            sys.exit(f"{name} failed: {result['stderr']}")
    return results, blobs


def main():
    for tool in ("docker", "dive", "skopeo", "docker-registry"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed for the benchmark (`make bench` sets the PATH up)")
    layers.build(IMAGE, layers.LARGE, layers.fill_large)
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-registry-", dir=os.environ.get("BENCH_TMP")))
    registry, address = start_registry(scratch)
    try:
        target = push(address)
        rounds, blobs = [], []
        for number in range(layers.RUNS):
            print(f"registry: round {number + 1} of {layers.RUNS}", flush=True)
            result, counted = round_of(target, scratch, scratch / "registry.log")
            rounds.append(result)
            blobs.append(counted)
    finally:
        registry.terminate()
        registry.wait()
    table = layers.medians(rounds)
    cold, cached, peer, floor = (table[k] for k in ("strata cold", "strata cached", "skopeo + dive", "skopeo only"))
    ratios = {
        "cold wall / skopeo + dive wall (target <= 0.5)": cold["wall"] / peer["wall"],
        "cold wall / skopeo only wall (target <= 1.5)": cold["wall"] / floor["wall"],
        "cold peak RSS MiB (target <= 96)": cold["rss_mib"],
        "cold CPU / wall (above 1: both cores work)": cold["cpu"] / cold["wall"],
        "cached re-inspect ms (target <= 100)": cached["wall"] * 1000,
        "blob requests of a cold inspect (config + 7 layers)": max(cold for cold, _ in blobs),
        "blob requests of a cached re-inspect, most in a round (target 0)": max(cached for _, cached in blobs),
    }
    lines = [f"## Registry benchmark — {layers.RUNS} rounds, medians", ""]
    lines += layers.tables(f"registry://…/{REPOSITORY}:1 (≈1.07 GB, 7 layers, gzip)", table, ratios)
    shutil.rmtree(scratch, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text)
    artifacts = layers.ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-registry.md").write_text(text)
    (artifacts / "bench-registry.json").write_text(json.dumps({"medians": table, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
