import { describe, expect, it } from "vitest";
import { DiffSummary } from "./api";
import { summaryLine } from "./diff-view";

describe("summaryLine", () => {
  it("reads as the issue's example", () => {
    const summary = {
      added: 12, removed: 3, modified: 40, size_delta_bytes: 18_400_000,
      history: { shared_layers: 4, only_before: [], only_after: [] },
    } as unknown as DiffSummary;
    expect(summaryLine(summary)).toBe("+12 files, −3, 40 modified, +18.4 MB of files · 4 layers shared");
    expect(summaryLine({ ...summary, size_delta_bytes: -1000, history: { ...summary.history, shared_layers: 1 } })).toBe(
      "+12 files, −3, 40 modified, −1 kB of files · 1 layer shared",
    );
  });
});


