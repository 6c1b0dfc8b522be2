#!/usr/bin/env python3
"""The image diff's benchmark (part of `make bench`): `strata diff` on two images of about 1 GB
sharing their base — strata-bench/large:1 and strata-bench/large:2, which is large:1 plus a
layer that appends to 100 files, deletes a folder of 710 and adds a 20 MB file — against the time
to export both (`docker save` each to /dev/null, one after the other; and, for reference, both in
one `docker save A B`, which is what a cold `strata diff` asks the daemon for), cold (empty index cache)
and with both images cached; then one changed file's diff (`--file`), its first look (streaming the
layers that hold it, keeping copies) and its second (reading the copies). Medians of BENCH_RUNS rounds (default 5), interleaved; results to
stdout and artifacts/bench-diff.{json,md}.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the same machinery: images, measuring, the strata binary)

BEFORE, AFTER = "strata-bench/large:1", "strata-bench/large:2"
# A file the second image changes (it appends to it), for the one-file diff.
LOOKED_AT = "/data/part0/sub0/file0.bin"
SECOND = """FROM strata-bench/large:1
RUN ["/bin/busybox", "sh", "-c", "b=/bin/busybox; cd /data/part0/sub0; for f in $($b seq 0 99); do $b printf x >> file$f.bin; done; $b rm -rf /data/part1/sub3; $b mkdir -p /data/new; $b dd if=/dev/urandom of=/data/new/blob bs=1M count=20 2>/dev/null"]
"""


def main():
    layers.build(BEFORE, layers.LARGE, layers.fill_large)
    layers.build(AFTER, SECOND, lambda context: None)
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-diff-"))
    rounds = []
    for number in range(layers.RUNS):
        print(f"diff: round {number + 1} of {layers.RUNS}", flush=True)
        exports = [layers.measure(["sh", "-c", f"docker save {image} > /dev/null"]) for image in (BEFORE, AFTER)]
        together = layers.measure(["sh", "-c", f"docker save {BEFORE} {AFTER} > /dev/null"])
        cache = Path(tempfile.mkdtemp(dir=scratch))
        command = [str(layers.STRATA), "diff", BEFORE, AFTER, "--json"]
        cold = layers.measure(command, env=layers.strata_env(cache))
        cached = layers.measure(command, env=layers.strata_env(cache))
        # One changed file's two versions (Show diff): the first look streams the layers holding
        # them and keeps copies of those layers; the second reads the copies.
        look = command[:4] + ["--file", LOOKED_AT]
        first_look = layers.measure(look, env=layers.strata_env(cache))
        second_look = layers.measure(look, env=layers.strata_env(cache))
        shutil.rmtree(cache)
        for name, result in (("cold", cold), ("cached", cached), ("first look", first_look), ("second look", second_look)):
            if result["code"] != 0:
                sys.exit(f"strata diff ({name}) failed: {result['stderr']}")
        rounds.append({"export both": sum(e["wall"] for e in exports), "export both in one save": together["wall"],
                       "strata diff cold": cold["wall"],
                       "strata diff cached": cached["wall"], "file diff, first look": first_look["wall"],
                       "file diff, second look": second_look["wall"], "cold rss_mib": cold["rss_mib"]})
    shutil.rmtree(scratch, ignore_errors=True)
    medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    ratios = {"cold diff / export both (target <= 1.1)": medians["strata diff cold"] / medians["export both"],
              "cold diff / export both in one save": medians["strata diff cold"] / medians["export both in one save"],
              "cached diff ms (target <= 200)": medians["strata diff cached"] * 1000,
              "file diff second look ms": medians["file diff, second look"] * 1000,
              "file diff first look / second look": medians["file diff, first look"] / medians["file diff, second look"]}
    lines = [f"## Image diff benchmark — {layers.RUNS} rounds, medians", "",
             f"{BEFORE} → {AFTER} (≈1.07 GB each, 7 layers shared)", "",
             "| run | wall (median s) |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in medians.items() if name != "cold rss_mib"]
    lines += ["", f"Peak RSS of the cold diff: {medians['cold rss_mib']:.0f} MiB", "", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in ratios.items()]
    output = "\n".join(lines) + "\n"
    print(output)
    artifacts = layers.ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-diff.md").write_text(output)
    (artifacts / "bench-diff.json").write_text(json.dumps({"medians": medians, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
