import { describe, expect, it } from "vitest";
import { BuildRecord } from "./api";
import { commandLine, pairsText, parsePairs, recordText, stageStates } from "./projects-view";

describe("parsePairs", () => {
  it("reads KEY=value lines and refuses others", () => {
    expect(parsePairs("A=1\n\n B = two words \nC=x=y")).toEqual({ A: "1", B: " two words", C: "x=y" });
    expect(() => parsePairs("oops")).toThrow('"oops" is not KEY=value');
    expect(pairsText({ A: "1", B: "2" })).toBe("A=1\nB=2");
  });
});

describe("commandLine", () => {
  it("writes a command's words as one line a shell splits back into them", () => {
    expect(commandLine(["sh", "-c", "kill -HUP 1"])).toBe("sh -c 'kill -HUP 1'");
    expect(commandLine(["nginx", "-s", "reload"])).toBe("nginx -s reload");
    expect(commandLine(["echo", ""])).toBe("echo ''");
    expect(commandLine(["echo", "it's", "#not-a-comment", "a\tb"])).toBe("echo 'it'\\''s' '#not-a-comment' 'a\tb'");
    expect(commandLine(null)).toBe("");
  });
});

describe("recordText", () => {
  it("says how a build went, what it weighed and what started it", () => {
    const record: BuildRecord = {
      started: 0, seconds: 4.24, passed: true, image_id: "sha256:ab", tags: [], size_bytes: 12_000_000,
      size_delta_bytes: 1_200_000, seconds_delta: -0.5, layer_changes: [], trigger: { paths: ["src/main.rs"], count: 1, reason: null }, error: null, synced: null,
      steps: [], cache_miss: null, hint: null,
    };
    expect(recordText(record)).toBe("✓ · 4.2 s (−0.5 s) · 12 MB (+1.2 MB) · src/main.rs changed");
    expect(recordText({ ...record, passed: false, size_bytes: null, seconds_delta: null, trigger: null, error: "the build failed" })).toBe("✗ · 4.2 s · the build failed");
    const rebuilt = { ...record, trigger: { paths: ["package.json"], count: 1, reason: "package.json changed" } };
    expect(recordText(rebuilt)).toBe("✓ · 4.2 s (−0.5 s) · 12 MB (+1.2 MB) · rebuilt: package.json changed");
    const synced = { container: "web", copied: 3, removed: 0, links_not_followed: [], then: null, millis: 84, summary: "synced 3 files into web (84 ms)" };
    expect(recordText({ ...record, synced })).toBe("⇄ synced 3 files into web (84 ms)");
  });
});

describe("stageStates", () => {
  it("marks the stages done, current, failed, waiting or skipped", () => {
    expect(stageStates("verify", null, false)).toEqual({ prepare: "done", build: "done", verify: "current", security: "waiting", tag: "waiting", publish: "skipped" });
    expect(stageStates("build", "failed", true)).toEqual({ prepare: "done", build: "failed", verify: "waiting", security: "waiting", tag: "waiting", publish: "waiting" });
    expect(stageStates("security", "failed", false)).toEqual({ prepare: "done", build: "done", verify: "done", security: "failed", tag: "waiting", publish: "skipped" });
    expect(stageStates("tag", null, false, true, false).security).toBe("skipped");
    expect(stageStates("tag", "passed", false).tag).toBe("done");
    expect(stageStates("tag", "passed", false, false).verify).toBe("skipped");
    expect(stageStates("build", null, false, false)).toEqual({ prepare: "done", build: "current", verify: "skipped", security: "waiting", tag: "waiting", publish: "skipped" });
  });
});
