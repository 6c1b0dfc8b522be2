#!/usr/bin/env python3
"""The project builds' benchmark (part of `make bench`), on generated project folders:

- save → build request: `strata build DIR --watch` runs against a socket proxy that notes when
  each `POST /build` arrives; a file of the folder is written BENCH_RUNS times (default 5), each
  time after the previous build finished, and the time from the write to the request is measured;
- a burst of 10,000 new files → how many builds (target: 1);
- a change to files `.dockerignore` excludes → how many builds (target: 0);
- context throughput: `strata build` against `docker build`, each with the classic builder (a tar
  upload; the classic builder makes a step of each label, so both get the same four), and Strata
  with BuildKit (Debian's docker CLI has no buildx to build with BuildKit), on the same 200 MB
  context of 2,000 files whose one step is cached (medians of BENCH_RUNS rounds, interleaved).

Images are tagged strata-bench/build:* and labelled strata.bench=1 (`make clean-bench` removes
them). Results go to stdout and artifacts/bench-build.{json,md}.
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the strata binary, the runs, measuring)

DAEMON = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock").removeprefix("unix://")


class RequestClock:
    """A Unix-socket proxy to the daemon that notes the time each build request arrives."""

    def __init__(self, folder):
        self.path = str(Path(folder) / "docker.sock")
        self.builds = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(16)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(DAEMON)
            threading.Thread(target=self.pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self.pipe, args=(upstream, client, False), daemon=True).start()

    def pipe(self, source, target, watch):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if watch and data.startswith(b"POST /") and b"/build?" in data[:64]:
                    self.builds.append(time.perf_counter())
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def project(folder, files=0, size=0):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy("/bin/busybox", folder / "busybox")
    (folder / "Dockerfile").write_text("FROM scratch\nCOPY busybox /bin/busybox\n")
    (folder / ".dockerignore").write_text("*.log\nlogs/\n")
    (folder / "src").mkdir(exist_ok=True)
    (folder / "src" / "main.txt").write_text("0")
    for number in range(files):
        sub = folder / "data" / f"d{number // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{number}.bin").write_bytes(os.urandom(size))


def wait_for_line(lines, timeout):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if lines:
            return lines.pop(0)
        time.sleep(0.01)
    return None


def watch_figures(scratch):
    folder = scratch / "watched"
    project(folder)
    clock = RequestClock(scratch)
    env = dict(os.environ, DOCKER_HOST=f"unix://{clock.path}", STRATA_CONFIG_DIR=str(scratch / "config"))
    command = [str(layers.STRATA), "build", str(folder), "--watch", "--json", "-t", "strata-bench/build:watch",
               "--label", layers.LABEL]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    threading.Thread(target=lambda: [lines.append(line) for line in process.stdout], daemon=True).start()
    try:
        if wait_for_line(lines, 120) is None:
            sys.exit("the first watched build did not finish")
        latencies = []
        for round_number in range(layers.RUNS):
            seen = len(clock.builds)
            written = time.perf_counter()
            (folder / "src" / "main.txt").write_text(str(round_number + 1))
            while len(clock.builds) == seen and time.perf_counter() - written < 10:
                time.sleep(0.001)
            latencies.append(clock.builds[seen] - written)
            wait_for_line(lines, 120)
        (folder / "logs").mkdir()
        before = len(clock.builds)
        for number in range(100):
            (folder / f"debug{number}.log").write_text("x")
            (folder / "logs" / f"{number}.txt").write_text("x")
        time.sleep(3)
        ignored_builds = len(clock.builds) - before
        burst = folder / "burst"
        burst.mkdir()
        before = len(clock.builds)
        for number in range(10_000):
            (burst / f"f{number}.txt").write_text(str(number))
        wait_for_line(lines, 300)
        time.sleep(5)
        burst_builds = len(clock.builds) - before
    finally:
        process.terminate()
        process.wait()
    return latencies, ignored_builds, burst_builds


def throughput(scratch):
    """Each builder with each client: the same context, the same labels, one cached step."""
    folder = scratch / "context"
    project(folder, files=2_000, size=100_000)
    context_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    oci = "org.opencontainers.image"

    def docker(buildkit):  # a new `created` each time, as Strata's
        labels = [f"{oci}.created={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}", f"{oci}.source={folder}",
                  f"{oci}.version=docker", layers.LABEL]
        env = dict(os.environ, DOCKER_BUILDKIT="1" if buildkit else "0")
        return env, ["docker", "build", "-q", *[arg for label in labels for arg in ("--label", label)],
                     "-t", "strata-bench/build:docker", str(folder)]

    def strata(buildkit):
        env = dict(os.environ, STRATA_CONFIG_DIR=str(scratch / "config"),
                   STRATA_BUILDER="buildkit" if buildkit else "classic")
        return env, [str(layers.STRATA), "build", str(folder), "-t", "strata-bench/build:strata",
                     "--label", layers.LABEL]

    # Debian's docker CLI has no buildx, so it cannot build with BuildKit here: Strata's BuildKit
    # build is measured on its own.
    runs = {"docker build, classic builder": lambda: docker(False), "strata build, classic builder": lambda: strata(False),
            "strata build, BuildKit": lambda: strata(True)}
    for make in runs.values():  # warm the build caches and the page cache
        env, command = make()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rounds = []
    for number in range(layers.RUNS):
        print(f"build: context round {number + 1} of {layers.RUNS}", flush=True)
        times = {}
        for name, make in runs.items():
            env, command = make()
            result = layers.measure(command, env=env)
            if result["code"] != 0:
                sys.exit(f"{name} failed: {result['stderr']}")
            times[name] = result["wall"]
        rounds.append(times)
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    return context_bytes, medians


def main():
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-build-"))
    try:
        latencies, ignored_builds, burst_builds = watch_figures(scratch)
        context_bytes, medians = throughput(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        # The watched project's replaced images: the benchmark's own, labelled, now untagged.
        dangling = subprocess.run(["docker", "images", "-q", "--filter", f"label={layers.LABEL}", "--filter",
                                   "dangling=true"], capture_output=True, text=True).stdout.split()
        if dangling:
            subprocess.run(["docker", "rmi", *dangling], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    figures = {
        "save to build request, median ms (target <= 250)": statistics.median(latencies) * 1000,
        "save to build request, worst ms": max(latencies) * 1000,
        "builds after a 10,000-file burst (target 1)": burst_builds,
        "builds after changes to ignored files (target 0)": ignored_builds,
        "strata / docker throughput, classic builder (target >= 1)":
            medians["docker build, classic builder"] / medians["strata build, classic builder"],
        "context MB/s, docker build (classic)": context_bytes / medians["docker build, classic builder"] / 1e6,
        "context MB/s, strata build (classic)": context_bytes / medians["strata build, classic builder"] / 1e6,
        "context MB/s, strata build (BuildKit)": context_bytes / medians["strata build, BuildKit"] / 1e6,
    }
    lines = [f"## Project build benchmark — {layers.RUNS} rounds, medians", "",
             f"Context: {context_bytes / 1e6:.0f} MB in 2,000 files, one cached step.", "",
             "| run | wall (median s) |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in medians.items()]
    lines += ["", "| figure | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" if isinstance(value, float) else f"| {name} | {value} |"
              for name, value in figures.items()]
    output = "\n".join(lines) + "\n"
    print(output)
    artifacts = layers.ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-build.md").write_text(output)
    (artifacts / "bench-build.json").write_text(json.dumps({"medians": medians, "figures": figures,
                                                            "latencies_ms": [x * 1000 for x in latencies]}, indent=2))


if __name__ == "__main__":
    main()
