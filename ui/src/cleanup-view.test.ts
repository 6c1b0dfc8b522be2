import { describe, expect, it } from "vitest";
import { outcomeText } from "./cleanup-view";

describe("cleanup words", () => {
  it("says how each item ended", () => {
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: null })).toBe("removed");
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: "/a/app_1.tar" })).toBe("removed · saved to /a/app_1.tar");
    expect(outcomeText({ outcome: "skipped", why: "container web uses it now" })).toBe("kept: container web uses it now");
    expect(outcomeText({ outcome: "not-attempted" })).toBe("not attempted");
  });
});
