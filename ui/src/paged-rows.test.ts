import { describe, expect, it } from "vitest";
import { missingPages, PAGE_SIZE } from "./paged-rows";

describe("missingPages", () => {
  it("asks only for the pages a window needs and does not have", () => {
    expect(missingPages(0, 30, new Set())).toEqual([0]);
    expect(missingPages(PAGE_SIZE - 5, PAGE_SIZE + 5, new Set([0]))).toEqual([1]);
    expect(missingPages(0, 3 * PAGE_SIZE, new Set([1]))).toEqual([0, 2]);
    expect(missingPages(10, 10, new Set())).toEqual([]);
  });
});
