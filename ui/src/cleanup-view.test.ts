import { describe, expect, it } from "vitest";
import { itemName, outcomeText } from "./cleanup-view";

describe("cleanup words", () => {
  it("names plan items as people know them", () => {
    expect(itemName({ kind: "image", id: "sha256:0123456789abcdef", refs: ["app:1"], reason: "unused", bytes_freed: 1 })).toBe("app:1");
    expect(itemName({ kind: "image", id: "sha256:0123456789abcdef", refs: [], reason: "dangling", bytes_freed: 1 })).toBe("0123456789ab");
    expect(itemName({ kind: "build-cache", id: "build-cache", refs: [], reason: "build-cache", bytes_freed: 1 })).toBe("Build cache");
  });

  it("says how each item ended", () => {
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: null })).toBe("removed");
    expect(outcomeText({ outcome: "removed", bytes_freed: 5, archive: "/a/app_1.tar" })).toBe("removed · saved to /a/app_1.tar");
    expect(outcomeText({ outcome: "skipped", why: "container web uses it now" })).toBe("kept: container web uses it now");
    expect(outcomeText({ outcome: "not-attempted" })).toBe("not attempted");
  });
});
