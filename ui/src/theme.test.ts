import { describe, expect, it } from "vitest";
import { nextTheme } from "./theme";
import { globalAction, screenIndex, screenKeys, SHORTCUTS } from "./shortcuts";

describe("the theme switch", () => {
  it("cycles system → light → dark → system", () => {
    expect(nextTheme("system")).toBe("light");
    expect(nextTheme("light")).toBe("dark");
    expect(nextTheme("dark")).toBe("system");
  });
});

describe("the shortcut sheet", () => {
  const press = (key: string, ctrlKey = false, shiftKey = false) => ({ key, ctrlKey, shiftKey });

  it("lists the window-wide keys the window's handler acts on, and no other", () => {
    const listed = SHORTCUTS[0].shortcuts.map((s) => s.keys);
    expect(listed).toEqual(["Ctrl+1 … Ctrl+6", "Ctrl+O", "/", "Escape", "?", "Ctrl+Shift+L"]);
    expect(globalAction(press("1", true), false)).toBe("screen-1");
    expect(globalAction(press("6", true), true)).toBe("screen-6");
    expect(globalAction(press("o", true), false)).toBe("open-archive");
    expect(globalAction(press("O", true), false)).toBe("open-archive");
    expect(globalAction(press("/"), false)).toBe("search");
    expect(globalAction(press("?", false, true), false)).toBe("sheet");
    expect(globalAction(press("L", true, true), false)).toBe("theme");
    expect(globalAction(press("Escape"), true)).toBe("leave-field");
    for (const row of SHORTCUTS[0].shortcuts) expect(row.what.length, row.keys).toBeGreaterThan(0);
  });

  it("binds Ctrl+1, Ctrl+2, … to the screens in the registry's order", () => {
    expect(SHORTCUTS[0].shortcuts[0].what).toBe("Images, Containers, Layers, Diff, Projects, Cleanup");
    expect([0, 1, 5, 6].map(screenKeys)).toEqual(["Ctrl+1", "Ctrl+2", "Ctrl+6", ""]);
    expect(screenIndex("screen-1")).toBe(0);
    expect(screenIndex("screen-6")).toBe(5);
    expect(screenIndex("search")).toBeNull();
  });

  it("leaves typed characters to the field that has the focus", () => {
    expect(globalAction(press("/"), true)).toBeNull();
    expect(globalAction(press("?", false, true), true)).toBeNull();
    expect(globalAction(press("Escape"), false)).toBeNull();
    expect(globalAction(press("l", true), false)).toBeNull(); // Ctrl+L is not the theme: Shift is
    expect(globalAction(press("o", true, true), false)).toBeNull(); // nor Ctrl+Shift+O the archive
    expect(globalAction(press("7", true), false)).toBeNull();
    expect(globalAction(press("a"), false)).toBeNull();
  });
});
