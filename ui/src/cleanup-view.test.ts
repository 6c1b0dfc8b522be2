import { describe, expect, it } from "vitest";
import { listedItems, outcomeText, totalsText } from "./cleanup-view";
import type { Plan, PlanItem } from "./api";

describe("cleanup words", () => {
  it("lists what a plan removes, the first few by name", () => {
    const item = (name: string, bytes: number): PlanItem => ({ kind: "image", id: name, refs: [name], name, reason: "unused", bytes_freed: bytes });
    expect(listedItems([item("app:1", 1_050_000_000)])).toBe("app:1 (1.05 GB)");
    expect(listedItems([item("app:1", 1_000), item("web", 3_000)])).toBe("app:1 (1 kB) and web (3 kB)");
    expect(listedItems([item("a", 1), item("b", 2), item("c", 3)], 2)).toBe("a (1 B), b (2 B) and 1 more");
  });

  it("says what a plan frees of the whole, as a share when the totals round alike", () => {
    const plan = (freed: number, before: number): Plan => ({ items: [], skipped: [], total_bytes_freed: freed, bytes_before: before, bytes_after: before - freed });
    expect(totalsText(plan(29_400_000, 240_000_000))).toBe("Frees 29.4 MB of the 240 MB Docker holds: 240 MB → 211 MB");
    expect(totalsText(plan(200_000, 542_000_000))).toBe("Frees 200 kB of the 542 MB Docker holds (0.04 %)");
    expect(totalsText(plan(20, 542_000_000))).toBe("Frees 20 B of the 542 MB Docker holds (under 0.01 %)");
    expect(totalsText(plan(0, 542_000_000))).toBe("Frees 0 B of the 542 MB Docker holds: 542 MB → 542 MB");
  });

  it("says how each item ended", () => {
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: null })).toBe("removed");
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: "/a/app_1.tar" })).toBe("removed · saved to /a/app_1.tar");
    expect(outcomeText({ outcome: "skipped", why: "container web uses it now" })).toBe("kept: container web uses it now");
    expect(outcomeText({ outcome: "not-attempted" })).toBe("not attempted");
  });
});
