#!/usr/bin/env python3
"""Live sync's benchmark (part of `make bench`): `strata build DIR --watch --restart NAME` on a
project whose compose file syncs ./src into the running container, measured from outside as a
developer meets it.

- edit → readable: a file saved, then read back from the container through the Engine API
  (`GET /containers/NAME/archive`, polled) — the median of BENCH_EDITS edits (default 20);
- a burst: 100 files written at once must be one sync of 100 files;
- a 50 MB file saved → its sync line printed;
- the same edit by a rebuild (the Dockerfile changed: build, tag, container replaced), for the
  ratio, in the same run (3 rounds);
- Strata's CPU while watching a 20,000-file project with nothing changing, over BENCH_IDLE_SECONDS
  (default 30), from /proc.

docker compose v2 (whose `watch` is the peer) is not in Debian's packages, so it is not run here.
Results to stdout and artifacts/bench-sync.{json,md}; the images are labelled strata.bench=1.
"""
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tarfile
import io
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the strata binary, the socket, the artifacts)

EDITS = int(os.environ.get("BENCH_EDITS", "20"))
IDLE_SECONDS = int(os.environ.get("BENCH_IDLE_SECONDS", "30"))
IDLE_FILES = 20_000
BASE = "strata-bench/sync-base:1"
PROJECT_TAG = "strata-bench/sync:dev"
CONTAINER = "strata-bench-sync"
BASE_DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
CMD ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
"""
COMPOSE = """services:
  app:
    build: .
    develop:
      watch:
        - action: sync
          path: ./src
          target: /app/src
"""


def read_back(path):
    """The file's content in the container, or None: one Engine API request."""
    connection = socket.socket(socket.AF_UNIX)
    connection.connect(layers.docker_socket())
    connection.sendall(f"GET /containers/{CONTAINER}/archive?path={path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n".encode())
    answer = b""
    while chunk := connection.recv(1 << 20):
        answer += chunk
    connection.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return None
    if b"chunked" in head.lower():
        body = dechunk(body)
    try:
        with tarfile.open(fileobj=io.BytesIO(body)) as archive:
            member = archive.next()
            return archive.extractfile(member).read() if member else None
    except tarfile.TarError:
        return None


def dechunk(body):
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2:]
    return out


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def lines_of(process):
    lines = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(json.loads(line))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def next_line(lines, key, seconds):
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            value = lines.get(timeout=left)
        except queue.Empty:
            return None
        if key in value:
            return value
    return None


def make_project(folder):
    shutil.copy("/bin/busybox", folder / "busybox")
    (folder / "Dockerfile").write_text(f"FROM {BASE}\nCOPY src/ /app/src/\n")
    (folder / "compose.yaml").write_text(COMPOSE)
    (folder / "src").mkdir()
    (folder / "src/app.js").write_text("start\n")
    for sub in range(IDLE_FILES // 500):
        (folder / "data" / f"d{sub}").mkdir(parents=True)
        for number in range(500):
            (folder / "data" / f"d{sub}" / f"f{number}.txt").write_text(f"{sub}/{number}\n")


def edit_latencies(folder, lines):
    """Per edit: saved → Strata's sync line (printed once the daemon has unpacked the copy: the file
    is readable in the container from then on), and saved → the first read through the Engine API
    that returns the new content (one such read costs the daemon about 50 ms, so this figure
    carries one probe)."""
    synced, read = [], []
    for number in range(EDITS):
        content = f"edit {number} {time.time()}\n".encode()
        started = time.perf_counter()
        (folder / "src/app.js").write_bytes(content)
        if next_line(lines, "synced", 10) is None:
            sys.exit(f"edit {number}: no sync line")
        synced.append((time.perf_counter() - started) * 1000)
        while read_back("/app/src/app.js") != content:
            if time.perf_counter() - started > 10:
                sys.exit(f"edit {number} never reached the container")
        read.append((time.perf_counter() - started) * 1000)
        time.sleep(0.3)
    return synced, read


def burst(folder, lines):
    (folder / "src/burst").mkdir()
    for number in range(100):
        (folder / f"src/burst/f{number}.js").write_text(f"{number}\n")
    syncs = []
    while (line := next_line(lines, "synced", 3)) is not None:
        syncs.append(line)
    return len(syncs), sum(line["synced"]["copied"] for line in syncs)


def large_file(folder, lines):
    content = os.urandom(50 * 1024 * 1024)
    started = time.perf_counter()
    (folder / "src/big.bin").write_bytes(content)
    line = next_line(lines, "synced", 60)
    if line is None:
        sys.exit("the 50 MB file was not synced")
    return (time.perf_counter() - started) * 1000, line["synced"]["millis"]


def rebuild_latencies(folder, lines, rounds=3):
    latencies = []
    for number in range(rounds):
        marker = f"rebuilt {number} {time.time()}\n".encode()
        started = time.perf_counter()
        # A rule-less file: the Dockerfile changes, the image is rebuilt and the container replaced.
        (folder / "Dockerfile").write_text(f"FROM {BASE}\nCOPY src/ /app/src/\nRUN echo -n '{marker.decode().strip()}' > /marker\n")
        while read_back("/marker") != marker.strip():
            if time.perf_counter() - started > 120:
                sys.exit("the rebuild never reached the container")
            time.sleep(0.01)
        latencies.append((time.perf_counter() - started) * 1000)
        next_line(lines, "build", 30)
    return latencies


def main():
    layers.build(BASE, BASE_DOCKERFILE, lambda context: None)
    subprocess.run(["docker", "rm", "-f", CONTAINER], capture_output=True)
    subprocess.run(["docker", "run", "-d", "--name", CONTAINER, "--label", layers.LABEL, BASE], check=True, capture_output=True)
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-sync-"))
    folder = scratch / "project"
    folder.mkdir()
    make_project(folder)
    env = dict(os.environ, STRATA_CONFIG_DIR=str(scratch / "config"), STRATA_CACHE_DIR=str(scratch / "cache"))
    command = [str(layers.STRATA), "build", str(folder), "--watch", "--json", "--restart", CONTAINER,
               "-t", PROJECT_TAG, "--label", layers.LABEL, "--audit-fail-on", "off"]
    watcher = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = lines_of(watcher)
        if next_line(lines, "build", 300) is None:
            sys.exit("the first build did not finish")
        time.sleep(2)
        idle_start = cpu_seconds(watcher.pid)
        time.sleep(IDLE_SECONDS)
        idle_share = (cpu_seconds(watcher.pid) - idle_start) / IDLE_SECONDS * 100
        edits, probed = edit_latencies(folder, lines)
        syncs, copied = burst(folder, lines)
        big_wall, big_millis = large_file(folder, lines)
        rebuilds = rebuild_latencies(folder, lines)
    finally:
        watcher.terminate()
        watcher.wait()
        subprocess.run(["docker", "rm", "-f", CONTAINER], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    figures = {
        "edit saved → copy done, readable in the container, median ms (target <= 150)": statistics.median(edits),
        "edit saved → copy done, slowest of the edits ms": max(edits),
        "edit saved → first Engine API read that sees it (one ~50 ms probe), median ms": statistics.median(probed),
        "100-file burst: syncs (target 1)": syncs,
        "100-file burst: files copied": copied,
        "50 MB file: saved to sync line ms": big_wall,
        "50 MB file: the sync itself ms": big_millis,
        "the same edit by a rebuild (build, tag, replace), median ms": statistics.median(rebuilds),
        "rebuild / sync ratio": statistics.median(rebuilds) / statistics.median(edits),
        f"CPU while watching {IDLE_FILES:,} files idle, % of a core (target <= 0.5)": idle_share,
    }
    text = "\n".join([f"## Live sync — {EDITS} edits, medians", "", "| figure | value |", "|---|---:|"]
                     + [f"| {name} | {value:.1f} |" if isinstance(value, float) else f"| {name} | {value} |"
                        for name, value in figures.items()]) + "\n"
    print(text)
    layers.save_artifacts("sync", text, {"figures": figures, "edits_ms": edits, "probed_ms": probed, "rebuilds_ms": rebuilds})


if __name__ == "__main__":
    main()
