import { describe, expect, it } from "vitest";
import { formatAgo, formatSize } from "./format";

describe("formatSize", () => {
  it("writes decimal units with three significant digits, like the docker CLI", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(999)).toBe("999 B");
    expect(formatSize(1000)).toBe("1 kB");
    expect(formatSize(1_234_567)).toBe("1.23 MB");
    expect(formatSize(12_000_000)).toBe("12 MB");
    expect(formatSize(5_600_000_000)).toBe("5.6 GB");
    // Whole numbers keep their zeros.
    expect(formatSize(10)).toBe("10 B");
    expect(formatSize(200_000)).toBe("200 kB");
    expect(formatSize(100_000_000)).toBe("100 MB");
  });
  it("shows a dash for values not computed yet", () => {
    expect(formatSize(null)).toBe("—");
    expect(formatSize(-1)).toBe("—");
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
