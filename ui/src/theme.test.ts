/// <reference types="node" />
import { readFileSync } from "node:fs";
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
    expect(listed).toEqual(["Ctrl+1 … Ctrl+7", "Ctrl+O", "/", "Escape", "?", "Ctrl+Shift+L"]);
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
    expect(SHORTCUTS[0].shortcuts[0].what).toBe("Images, Containers, Layers, Diff, Projects, Cleanup, Registries");
    expect([0, 1, 6, 7].map(screenKeys)).toEqual(["Ctrl+1", "Ctrl+2", "Ctrl+7", ""]);
    expect(screenIndex("screen-1")).toBe(0);
    expect(screenIndex("screen-7")).toBe(6);
    expect(screenIndex("search")).toBeNull();
  });

  it("leaves typed characters to the field that has the focus", () => {
    expect(globalAction(press("/"), true)).toBeNull();
    expect(globalAction(press("?", false, true), true)).toBeNull();
    expect(globalAction(press("Escape"), false)).toBeNull();
    expect(globalAction(press("l", true), false)).toBeNull(); // Ctrl+L is not the theme: Shift is
    expect(globalAction(press("o", true, true), false)).toBeNull(); // nor Ctrl+Shift+O the archive
    expect(globalAction(press("8", true), false)).toBeNull();
    expect(globalAction(press("a"), false)).toBeNull();
  });
});

// The colours of buttons filled with the accent or danger colour, and of danger text, in each
// theme, read from style.css: WCAG contrast of at least 4.5:1. As of writing:
//   light: white on --accent #1f78aa 4.86:1; white on --danger-fill #c0392b 5.44:1;
//          --danger #c0392b on --bg #f6f7f9 5.07:1, on --panel #ffffff 5.44:1
//   dark:  --on-accent #0b1620 on --accent #4fb3e0 7.70:1 (white there was 2.37:1);
//          white on --danger-fill #c0392b 5.44:1; --danger #f2665a on --bg #141922 5.73:1,
//          on --panel #1a212c 5.26:1; --text #e3e8ef on --panel 13.14:1
describe("the colours of the window", () => {
  const css = readFileSync(new URL("./style.css", import.meta.url), "utf8");
  /** The custom properties set in the block that opens with `selector {`. */
  const block = (selector: string): Record<string, string> => {
    const start = css.indexOf(`${selector} {`);
    const body = css.slice(start, css.indexOf("}", start));
    return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2].toLowerCase()]));
  };
  const light = block(":root");
  const dark = { ...light, ...block(':root[data-theme="dark"]') };
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: string, b: string) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };

  it("sets the same dark colours whether the OS or the user picked dark", () => {
    expect(block(':root:not([data-theme="light"])')).toEqual(block(':root[data-theme="dark"]'));
  });

  it.each([
    ["light", light],
    ["dark", dark],
  ])("keeps text on filled buttons and danger text readable in %s", (_, colours) => {
    const pairs: [string, string][] = [
      [colours["--on-accent"], colours["--accent"]],
      ["#ffffff", colours["--danger-fill"]],
      [colours["--danger"], colours["--bg"]],
      [colours["--danger"], colours["--panel"]],
      [colours["--text"], colours["--panel"]],
    ];
    for (const [text, background] of pairs) expect(contrast(text, background), `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
    expect(contrast("#ffffff", dark["--accent"])).toBeLessThan(4.5); // why dark has its own --on-accent
  });

  it("has the figures written above", () => {
    expect([contrast(light["--on-accent"], light["--accent"]), contrast(dark["--on-accent"], dark["--accent"])].map((r) => r.toFixed(2))).toEqual(["4.86", "7.70"]);
    expect(contrast("#ffffff", dark["--accent"]).toFixed(2)).toBe("2.37");
  });
});
