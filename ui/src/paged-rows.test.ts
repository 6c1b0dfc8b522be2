import { describe, expect, it } from "vitest";
import { missingPages, PAGE_SIZE, treeKey } from "./paged-rows";

describe("missingPages", () => {
  it("asks only for the pages a window needs and does not have", () => {
    expect(missingPages(0, 30, new Set())).toEqual([0]);
    expect(missingPages(PAGE_SIZE - 5, PAGE_SIZE + 5, new Set([0]))).toEqual([1]);
    expect(missingPages(0, 3 * PAGE_SIZE, new Set([1]))).toEqual([0, 2]);
    expect(missingPages(10, 10, new Set())).toEqual([]);
  });
});

describe("treeKey", () => {
  it("moves, folds and opens as a file browser does", () => {
    expect(treeKey("ArrowDown", -1, 10, undefined)).toEqual({ select: 0 });
    expect(treeKey("PageDown", 5, 10, undefined)).toEqual({ select: 9 });
    expect(treeKey("End", 0, 10, undefined)).toEqual({ select: 9 });
    expect(treeKey("ArrowLeft", 2, 10, { expandable: true })).toEqual({ expand: false });
    expect(treeKey("ArrowLeft", 2, 10, { expandable: false })).toBeNull();
    expect(treeKey("Enter", 2, 10, { expandable: false })).toEqual({ open: true });
    expect(treeKey("x", 2, 10, { expandable: false })).toBeNull();
  });
});
