#!/usr/bin/env python3
"""The security audit's benchmark (part of `make bench`): a cold `strata audit` (an empty index
cache: the image is exported and every file's content is hashed and scanned for secrets in the same
read) against a cold `strata inspect` (the very same read: the rules run inside the reader) and `docker save >
/dev/null`, and a cached audit, measured in the same run.

Images: strata-bench/large:1 (about 1.07 GB of random, binary files: the rules see little text) and
strata-bench/text:1 (about 300 MB of text lines, some holding the words the rules' prefilter looks
for: the rules run on much of it). Medians of BENCH_RUNS rounds (default 5), interleaved; results
to stdout and artifacts/bench-audit.{json,md}.
"""
import json
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the same machinery: images, measuring, the strata binary)

LARGE = "strata-bench/large:1"
TEXT = "strata-bench/text:1"
TEXT_DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY text /text
"""
WORDS = ("request", "handler", "config", "token", "password", "user", "session", "cache", "value", "secret",
         "module", "https://example.org/docs", "api_key", "timeout", "retry")


def fill_text(context):
    """100 files of about 3 MB: log-like lines, every one with a few of the words above."""
    rng = random.Random(11)
    folder = context / "text"
    folder.mkdir()
    for number in range(100):
        lines = []
        size = 0
        while size < 3_000_000:
            line = " ".join(rng.choice(WORDS) for _ in range(8)) + f" = {rng.randrange(10**9)}\n"
            lines.append(line)
            size += len(line)
        (folder / f"log{number}.txt").write_text("".join(lines))


def round_of(reference, scratch):
    results = {"docker save": layers.measure(["sh", "-c", f"docker save {reference} > /dev/null"])}
    for command in ("inspect", "audit"):
        cache = Path(tempfile.mkdtemp(dir=scratch))
        args = [str(layers.STRATA), command, reference, "--json"] + (["--fail-on", "never"] if command == "audit" else [])
        results[f"strata {command} cold"] = layers.measure(args, env=layers.strata_env(cache))
        if command == "audit":
            results["strata audit cached"] = layers.measure(args, env=layers.strata_env(cache))
        shutil.rmtree(cache)
    for name, result in results.items():
        if name.startswith("strata") and result["code"] != 0:
            sys.exit(f"{name} failed: {result['stderr']}")
    return results


def main():
    layers.build(LARGE, layers.LARGE, layers.fill_large)
    layers.build(TEXT, TEXT_DOCKERFILE, fill_text)
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-audit-"))
    output, figures = [f"## Audit benchmark — {layers.RUNS} rounds, medians", ""], {}
    for reference in (LARGE, TEXT):
        rounds = []
        for number in range(layers.RUNS):
            print(f"audit {reference}: round {number + 1} of {layers.RUNS}", flush=True)
            rounds.append(round_of(reference, scratch))
        table = layers.medians(rounds)
        save, inspect, audit, cached = (table[k] for k in ("docker save", "strata inspect cold", "strata audit cold", "strata audit cached"))
        ratios = {
            "cold audit CPU / cold inspect CPU (target <= 1.25)": audit["cpu"] / inspect["cpu"],
            "cold audit wall / docker save wall (target <= 1.05)": audit["wall"] / save["wall"],
            "cold audit peak RSS MiB (target <= 64)": audit["rss_mib"],
            "cached audit ms (target <= 150)": cached["wall"] * 1000,
        }
        output += layers.tables(reference, table, ratios) + [""]
        figures[reference] = {"medians": table, "ratios": ratios}
    shutil.rmtree(scratch, ignore_errors=True)
    text = "\n".join(output)
    print(text)
    artifacts = layers.ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-audit.md").write_text(text)
    (artifacts / "bench-audit.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
