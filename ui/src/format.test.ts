import { describe, expect, it } from "vitest";
import { counted, formatAgo, formatSize, signedSeconds, signedSize } from "./format";
import cases from "./format-cases.json";

describe("formatSize", () => {
  // The CLI's format.rs is tested on the same cases, so a size reads the same in both.
  it.each(cases.size)("writes %d bytes as %s, as the CLI does", (bytes, written) => {
    expect(formatSize(bytes as number)).toBe(written);
  });
  it.each(cases.signed_size)("writes a change of %d bytes as %s, as the CLI does", (bytes, written) => {
    expect(signedSize(bytes as number)).toBe(written);
  });
  it("shows a dash for values not computed yet", () => {
    expect(formatSize(null)).toBe("—");
    expect(formatSize(-1)).toBe("—");
  });
});

describe("counted", () => {
  it("gives a count its noun, singular for one, with thousands marked", () => {
    expect(counted(1, "file")).toBe("1 file");
    expect(counted(0, "file")).toBe("0 files");
    expect(counted(100_101, "file")).toBe("100,101 files");
    expect(counted(2, "repository", "repositories")).toBe("2 repositories");
  });
});

describe("signedSeconds", () => {
  it.each(cases.signed_seconds)("writes a change of %d s as %s, as the CLI does", (seconds, written) => {
    expect(signedSeconds(seconds as number)).toBe(written);
  });
});

describe("formatAgo", () => {
  const now = 1_000_000 * 1000;
  it("counts in the largest whole unit", () => {
    expect(formatAgo(1_000_000, now)).toBe("just now");
    expect(formatAgo(1_000_000 - 45, now)).toBe("45 seconds ago");
    expect(formatAgo(1_000_000 - 3600, now)).toBe("1 hour ago");
    expect(formatAgo(1_000_000 - 86_400 * 3, now)).toBe("3 days ago");
  });
});
