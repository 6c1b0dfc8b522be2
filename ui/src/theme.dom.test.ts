// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyTheme, onThemeChange, shownTheme } from "./theme";

describe("the theme the window shows", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    applyTheme("system");
  });

  /** The OS says it prefers dark (or not). */
  function systemPrefersDark(dark: boolean): void {
    vi.spyOn(window, "matchMedia").mockImplementation((query) => ({ matches: dark && query.includes("dark"), media: query, addEventListener: () => undefined }) as unknown as MediaQueryList);
  }

  it("is the one picked, or the system's when the pick is system", () => {
    systemPrefersDark(true);
    expect(shownTheme()).toBe("dark");
    applyTheme("light");
    expect(shownTheme()).toBe("light");
    systemPrefersDark(false);
    applyTheme("dark");
    expect(shownTheme()).toBe("dark");
    applyTheme("system");
    expect(shownTheme()).toBe("light");
  });

  it("tells the views drawing charts each time the user switches it", () => {
    const redraw = vi.fn();
    onThemeChange(redraw);
    applyTheme("dark");
    applyTheme("light");
    expect(redraw).toHaveBeenCalledTimes(2);
  });
});
