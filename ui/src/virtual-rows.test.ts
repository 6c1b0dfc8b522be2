import { describe, expect, it } from "vitest";
import { scrollToReveal, visibleWindow } from "./virtual-rows";

describe("visibleWindow", () => {
  it("draws only the rows in view plus a margin", () => {
    expect(visibleWindow(0, 340, 34, 1000, 8)).toEqual({ start: 0, end: 18 });
    expect(visibleWindow(34 * 500, 340, 34, 1000, 8)).toEqual({ start: 492, end: 518 });
  });
  it("never runs past the end or before the start", () => {
    expect(visibleWindow(34 * 995, 340, 34, 1000, 8)).toEqual({ start: 987, end: 1000 });
    expect(visibleWindow(-50, 340, 34, 3, 8)).toEqual({ start: 0, end: 3 });
    expect(visibleWindow(0, 340, 34, 0, 8)).toEqual({ start: 0, end: 0 });
  });
  it("keeps the drawn row count bounded for a 100k-row list", () => {
    const window = visibleWindow(34 * 50_000, 800, 34, 100_000);
    expect(window.end - window.start).toBeLessThan(50);
  });
});

describe("scrollToReveal", () => {
  it("scrolls just enough to show a row above or below the viewport", () => {
    expect(scrollToReveal(0, 100, 340, 34)).toBe(0);
    expect(scrollToReveal(20, 0, 340, 34)).toBe(21 * 34 - 340);
    expect(scrollToReveal(3, 0, 340, 34)).toBeNull();
  });
});
