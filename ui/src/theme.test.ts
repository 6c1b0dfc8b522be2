import { describe, expect, it } from "vitest";
import { nextTheme } from "./theme";
import { SHORTCUTS } from "./shortcuts";

describe("the theme switch", () => {
  it("cycles system → light → dark → system", () => {
    expect(nextTheme("system")).toBe("light");
    expect(nextTheme("light")).toBe("dark");
    expect(nextTheme("dark")).toBe("system");
  });
});

describe("the shortcut sheet", () => {
  it("names every screen's shortcut and itself", () => {
    const keys = SHORTCUTS.flatMap((group) => group.shortcuts.map((s) => s.keys));
    expect(keys).toContain("Ctrl+1 … Ctrl+6");
    expect(keys).toContain("?");
    expect(keys).toContain("/");
  });
});
