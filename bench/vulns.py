#!/usr/bin/env python3
"""The vulnerability database's benchmark (part of `make bench`): importing Debian- and PyPI-sized
OSV dumps (time and peak RSS), then matching a Debian image's packages against them — `strata
vulns IMAGE` with the image's layer index cached — beside `strata sbom` of the same image, in the
same run.

osv.dev's bucket cannot be reached from this machine, so the dumps are made here in OSV's schema
at the size of the real ones (Debian's all.zip: about 60 000 records, each listing three releases;
PyPI's: about 20 000 records with CVSS vectors), with a share of the Debian records naming the
image's own source packages, as the real dump does for a minbase system's. Medians of BENCH_RUNS
rounds (default 5); results to stdout and artifacts/bench-vulns.{json,md}.
"""
import json
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import layers  # noqa: E402  (the same machinery: measuring, the strata binary)
import sbom  # noqa: E402  (the Debian image)

DEBIAN_RECORDS = 60_000
PYPI_RECORDS = 20_000
# The share of Debian records naming one of the image's source packages, and of those the shares
# still open in it (no fix yet) and fixed in a later version than it has: the rest were fixed
# before its versions, as most of a stable release's advisories are. About 200 findings, as
# scanners report for a minbase bookworm image.
IMAGE_SHARE = 0.10
UNFIXED_SHARE = 0.02
FIXED_LATER_SHARE = 0.01
DETAILS = "A flaw was found in the handling of crafted input, which may lead to a denial of service or worse. " * 6


def debian_record(number, name, rng):
    releases = ["Debian:11", "Debian:12", "Debian:13"]
    draw = rng.random()
    if draw < UNFIXED_SHARE:
        events = [{"introduced": "0"}]
    elif draw < UNFIXED_SHARE + FIXED_LATER_SHARE:
        events = [{"introduced": "0"}, {"fixed": f"99.{rng.randint(0, 40)}-{rng.randint(1, 9)}"}]
    else:
        events = [{"introduced": "0"}, {"fixed": f"0~{rng.randint(0, 40)}.{rng.randint(1, 9)}-1"}]
    return {
        "schema_version": "1.6.0",
        "id": f"DEBIAN-CVE-20{number % 25:02d}-{number:06d}",
        "modified": "2026-11-30T00:00:00Z",
        "published": "2026-01-01T00:00:00Z",
        "upstream": [f"CVE-20{number % 25:02d}-{number:06d}"],
        "details": DETAILS,
        "affected": [
            {"package": {"ecosystem": release, "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}],
             "ecosystem_specific": {"urgency": rng.choice(["low", "medium", "high", "not yet assigned"])}}
            for release in releases
        ],
        "references": [{"type": "ADVISORY", "url": f"https://security-tracker.debian.org/tracker/CVE-{number}"}],
    }


def pypi_record(number, name, rng):
    return {
        "schema_version": "1.6.0",
        "id": f"GHSA-{number:04x}-{rng.randint(0, 0xffff):04x}-{rng.randint(0, 0xffff):04x}",
        "modified": "2026-11-30T00:00:00Z",
        "aliases": [f"CVE-2024-{number:05d}", f"PYSEC-2024-{number}"],
        "summary": f"{name} mishandles crafted input",
        "details": DETAILS * 2,
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
        "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.0"}]}]}],
        "references": [{"type": "WEB", "url": f"https://github.com/advisories/{number}"}] * 4,
    }


def write_dump(path, records):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dump:
        for record in records:
            dump.writestr(f"{record['id']}.json", json.dumps(record, indent=2))


def make_dumps(scratch, image_sources):
    rng = random.Random(24)
    others = [f"package{n}" for n in range(8_000)]
    debian = (debian_record(n, rng.choice(image_sources) if rng.random() < IMAGE_SHARE else rng.choice(others), rng)
              for n in range(DEBIAN_RECORDS))
    write_dump(scratch / "Debian.zip", debian)
    pypi = (pypi_record(n, f"py-package{rng.randint(0, 5_000)}", rng) for n in range(PYPI_RECORDS))
    write_dump(scratch / "PyPI.zip", pypi)


def image_sources(cache):
    found = subprocess.run([str(layers.STRATA), "sbom", sbom.DEBIAN, "--json"], env=layers.strata_env(cache),
                           capture_output=True, check=True)
    packages = json.loads(found.stdout)["packages"]
    return sorted({p["source"] or p["name"] for p in packages}), len(packages)


def round_of(scratch, dumps):
    cache = Path(tempfile.mkdtemp(dir=scratch))
    env = layers.strata_env(cache)
    results = {"strata vulns import (Debian + PyPI)": layers.measure([str(layers.STRATA), "vulns", "import", *dumps], env=env)}
    # The image's layer index made once: the rescan needs no export.
    layers.measure([str(layers.STRATA), "sbom", sbom.DEBIAN, "--json"], env=env)
    results["strata sbom cached"] = layers.measure([str(layers.STRATA), "sbom", sbom.DEBIAN, "--json"], env=env)
    results["strata vulns cached"] = layers.measure([str(layers.STRATA), "vulns", sbom.DEBIAN, "--json"], env=env)
    found = subprocess.run([str(layers.STRATA), "vulns", sbom.DEBIAN, "--json"], env=env, capture_output=True)
    results["strata vulns cached"]["findings"] = len(json.loads(found.stdout)["report"]["findings"])
    shutil.rmtree(cache)
    return layers.require_success(results)


def main():
    sbom.debian_image()
    scratch = Path(tempfile.mkdtemp(prefix="strata-bench-vulns-"))
    sources, packages = image_sources(scratch / "probe")
    make_dumps(scratch, sources)
    dumps = [str(scratch / "Debian.zip"), str(scratch / "PyPI.zip")]
    sizes = {Path(d).name: Path(d).stat().st_size for d in dumps}
    rounds = []
    for number in range(layers.RUNS):
        print(f"vulns: round {number + 1} of {layers.RUNS}", flush=True)
        rounds.append(round_of(scratch, dumps))
    table = layers.medians(rounds)
    matched, listed = table["strata vulns cached"], table["strata sbom cached"]
    ratios = {
        "match ms, cached image (target <= 200)": matched["wall"] * 1000,
        "findings": rounds[0]["strata vulns cached"]["findings"],
        "match wall / sbom wall": matched["wall"] / listed["wall"],
        "import s": table["strata vulns import (Debian + PyPI)"]["wall"],
        "import peak RSS MiB": table["strata vulns import (Debian + PyPI)"]["rss_mib"],
    }
    heading = (f"{sbom.DEBIAN} ({packages} packages) against {DEBIAN_RECORDS} Debian + {PYPI_RECORDS} PyPI records "
               f"({', '.join(f'{k} {v / 2**20:.0f} MiB' for k, v in sizes.items())})")
    text = "\n".join([f"## Vulnerability benchmark — {layers.RUNS} rounds, medians", ""] + layers.tables(heading, table, ratios))
    shutil.rmtree(scratch, ignore_errors=True)
    print(text)
    layers.save_artifacts("vulns", text, {"medians": table, "ratios": ratios, "dump_bytes": sizes})


if __name__ == "__main__":
    main()
