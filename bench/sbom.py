#!/usr/bin/env python3
"""The SBOM's benchmark (part of `make bench`): `strata sbom` cold (an empty index cache: the image
is exported and read once) and cached (the layer index read back: no export), against a cold
`strata inspect` of the same image (the same read, no package lists), measured in the same run.

Images: strata-bench/large:1 (about 1.07 GB, no package database: the cost of the index alone) and
strata-bench/debian:1 (a Debian bookworm minbase rootfs from debootstrap, about 90 packages, made
once as the tests make it). Medians of BENCH_RUNS rounds (default 5); results to stdout and
artifacts/bench-sbom.{json,md}.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the same machinery: images, measuring, the strata binary)

LARGE = "strata-bench/large:1"
DEBIAN = "strata-bench/debian:1"


def debian_image():
    """Imports the tests' cached bookworm rootfs (making it with debootstrap first if needed)."""
    if layers.image_exists(DEBIAN):
        return
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "strata-tests"
    tar = cache / "bookworm-minbase.tar"
    if not tar.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as rootfs:
            subprocess.run(["debootstrap", "--variant=minbase", "bookworm", rootfs, "http://deb.debian.org/debian"],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["tar", "-C", rootfs, "-cf", str(tar) + ".partial", "."], check=True)
        os.rename(str(tar) + ".partial", tar)
    subprocess.run(["docker", "import", "--change", f"LABEL {layers.LABEL}", str(tar), DEBIAN], check=True,
                   stdout=subprocess.DEVNULL)


def round_of(reference, scratch):
    results = {}
    for command in ("inspect", "sbom"):
        cache = Path(tempfile.mkdtemp(dir=scratch))
        args = [str(layers.STRATA), command, reference, "--json"]
        results[f"strata {command} cold"] = layers.measure(args, env=layers.strata_env(cache))
        if command == "sbom":
            results["strata sbom cached"] = layers.measure(args, env=layers.strata_env(cache))
            cyclonedx = args[:3] + ["--format", "cyclonedx"]
            results["strata sbom cached, CycloneDX"] = layers.measure(cyclonedx, env=layers.strata_env(cache))
        shutil.rmtree(cache)
    return layers.require_success(results)


def main():
    layers.build(LARGE, layers.LARGE, layers.fill_large)
    debian_image()
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-sbom-"))
    output, figures = [f"## SBOM benchmark — {layers.RUNS} rounds, medians", ""], {}
    for reference in (LARGE, DEBIAN):
        rounds = []
        for number in range(layers.RUNS):
            print(f"sbom {reference}: round {number + 1} of {layers.RUNS}", flush=True)
            rounds.append(round_of(reference, scratch))
        table = layers.medians(rounds)
        inspect, cold, cached = (table[k] for k in ("strata inspect cold", "strata sbom cold", "strata sbom cached"))
        ratios = {
            "cold sbom wall / cold inspect wall": cold["wall"] / inspect["wall"],
            "cached sbom ms (target <= 100)": cached["wall"] * 1000,
            "cached CycloneDX ms": table["strata sbom cached, CycloneDX"]["wall"] * 1000,
        }
        output += layers.tables(reference, table, ratios) + [""]
        figures[reference] = {"medians": table, "ratios": ratios}
    shutil.rmtree(scratch, ignore_errors=True)
    text = "\n".join(output)
    print(text)
    layers.save_artifacts("sbom", text, figures)


if __name__ == "__main__":
    main()
