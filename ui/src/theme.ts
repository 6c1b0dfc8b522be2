// The colour theme: the system's (light or dark as the OS says) unless the user picked one. The
// choice is a preference of this window only, kept in the webview's local storage. The engine
// draws charts for the theme shown (`shownTheme`); views redraw them when it changes.
import type { ChartTheme } from "./api";

export type Theme = "system" | "light" | "dark";

const KEY = "strata.theme";
const ORDER: Theme[] = ["system", "light", "dark"];
/** Sent on the window when the user picks another theme. */
const CHANGED = "strata-theme-changed";
const SYSTEM_DARK = "(prefers-color-scheme: dark)";

/** The theme the window shows now: the one picked, or for "system" the one the OS prefers. */
export function shownTheme(): ChartTheme {
  const theme = savedTheme();
  if (theme !== "system") return theme;
  return window.matchMedia?.(SYSTEM_DARK).matches ? "dark" : "light";
}

/** Calls `redraw` whenever the theme shown may have changed: the switch, Ctrl+Shift+L, or the OS. */
export function onThemeChange(redraw: () => void): void {
  window.addEventListener(CHANGED, redraw);
  window.matchMedia?.(SYSTEM_DARK).addEventListener?.("change", redraw);
}

/** The theme picked before, or "system". */
export function savedTheme(): Theme {
  const saved = window.localStorage.getItem(KEY);
  return ORDER.includes(saved as Theme) ? (saved as Theme) : "system";
}

/** Draws the window in `theme`, remembers it, and tells the views drawing charts. */
export function applyTheme(theme: Theme): void {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  window.localStorage.setItem(KEY, theme);
  window.dispatchEvent(new Event(CHANGED));
}

/** The theme after `theme` in the switch's cycle: system → light → dark → system. */
export function nextTheme(theme: Theme): Theme {
  return ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
}

/** A sidebar button that cycles the theme and names the current one. */
export function themeButton(): HTMLButtonElement {
  const button = document.createElement("button");
  button.className = "nav theme-switch";
  button.id = "theme-switch";
  const label = () => {
    const theme = savedTheme();
    button.textContent = `Theme: ${theme === "system" ? "system" : theme}`;
    button.title = "Switch theme: system, light, dark (Ctrl+Shift+L)";
  };
  button.addEventListener("click", () => {
    applyTheme(nextTheme(savedTheme()));
    label();
  });
  label();
  return button;
}
