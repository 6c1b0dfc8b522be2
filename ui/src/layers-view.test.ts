import { describe, expect, it } from "vitest";
import { progressText, sourceOf } from "./layers-view";

describe("sourceOf", () => {
  it("reads paths as archives and everything else as image references", () => {
    expect(sourceOf(" /tmp/image.tar ")).toEqual({ kind: "archive", value: "/tmp/image.tar" });
    expect(sourceOf("./app.oci")).toEqual({ kind: "archive", value: "./app.oci" });
    expect(sourceOf("backup.tar.gz")).toEqual({ kind: "archive", value: "backup.tar.gz" });
    expect(sourceOf("debian:bookworm")).toEqual({ kind: "daemon", value: "debian:bookworm" });
    expect(sourceOf("registry:5000/team/app:1.2")).toEqual({ kind: "daemon", value: "registry:5000/team/app:1.2" });
  });
});

describe("progressText", () => {
  it("says how much is read, of how much, and how fast", () => {
    const text = progressText({ task: "Reading app", done_bytes: 12_000_000, total_bytes: 1_200_000_000, bytes_per_second: 85_000_000, finished: false });
    expect(text).toBe("Reading app — 12 MB of 1.2 GB · 85 MB/s");
  });
});
