// The keyboard shortcuts. The window-wide ones are one table: the window's key handler asks
// `globalAction` which binding a key press is, and the `?` sheet lists the same bindings, so what
// the sheet promises is what the window does. The lists' and screens' keys belong to their views
// and are listed here for the sheet.
import { SCREENS } from "./screens";

export interface Shortcut {
  keys: string;
  what: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

/** What a window-wide shortcut does; `screen-N` shows the Nth screen of `SCREENS` (from 1). */
export type GlobalAction = `screen-${number}` | "open-archive" | "search" | "leave-field" | "sheet" | "theme";

/** The parts of a key press the bindings look at. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
}

interface Binding {
  action: GlobalAction;
  /** As the sheet writes it: "Ctrl+Shift+L", "?". */
  keys: string;
  /** Whether it acts while a text field or menu has the focus. */
  whileTyping: boolean;
}

const GLOBAL_BINDINGS: Binding[] = [
  ...SCREENS.map((_, index) => ({ action: `screen-${index + 1}` as const, keys: `Ctrl+${index + 1}`, whileTyping: true })),
  { action: "open-archive", keys: "Ctrl+O", whileTyping: true },
  { action: "search", keys: "/", whileTyping: false },
  { action: "leave-field", keys: "Escape", whileTyping: true },
  { action: "sheet", keys: "?", whileTyping: false },
  { action: "theme", keys: "Ctrl+Shift+L", whileTyping: true },
];

/** Whether `press` is the key combination written as `keys` ("Ctrl+Shift+L", "/"). */
function pressMatches(keys: string, press: KeyPress): boolean {
  const parts = keys.split("+");
  const key = parts.pop()!;
  const ctrl = parts.includes("Ctrl");
  const shift = parts.includes("Shift");
  if (press.ctrlKey !== ctrl) return false;
  // Letters name their key whatever the case; `?` and `/` are what the layout types, Shift or not.
  if (key.length === 1 && /[A-Za-z]/.test(key)) return press.shiftKey === shift && press.key.toLowerCase() === key.toLowerCase();
  return press.key === key;
}

/** The window-wide shortcut `press` is, if any; `typing` when a field or menu has the focus. */
export function globalAction(press: KeyPress, typing: boolean): GlobalAction | null {
  const binding = GLOBAL_BINDINGS.find((b) => (b.whileTyping || !typing) && pressMatches(b.keys, press));
  if (!binding || (binding.action === "leave-field" && !typing)) return null;
  return binding.action;
}

/** The screen (0 for the first of `SCREENS`) a `screen-N` action shows; null for other actions. */
export function screenIndex(action: GlobalAction): number | null {
  const match = /^screen-(\d+)$/.exec(action);
  return match ? Number(match[1]) - 1 : null;
}

/** The keys that show screen `index` of `SCREENS`, as the sheet writes them ("Ctrl+1"). */
export function screenKeys(index: number): string {
  return GLOBAL_BINDINGS.find((b) => b.action === `screen-${index + 1}`)?.keys ?? "";
}

const WHAT: Record<Exclude<GlobalAction, `screen-${number}`>, string> = {
  "open-archive": "Open an image archive (docker save, OCI) on Layers",
  search: "Search: the image filter, or the file search on Layers",
  "leave-field": "Leave a field, close a dialog or a panel",
  sheet: "This sheet",
  theme: "Switch theme: system, light, dark",
};

/** The window-wide bindings as the sheet lists them: the screens in one row. */
function globalShortcuts(): Shortcut[] {
  const screens = GLOBAL_BINDINGS.filter((b) => b.action.startsWith("screen-"));
  return [
    { keys: `${screens[0].keys} … ${screens[screens.length - 1].keys}`, what: SCREENS.map((s) => s.label).join(", ") },
    ...GLOBAL_BINDINGS.filter((b) => !b.action.startsWith("screen-")).map((b) => ({
      keys: b.keys,
      what: WHAT[b.action as keyof typeof WHAT],
    })),
  ];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    title: "Anywhere",
    shortcuts: globalShortcuts(),
  },
  {
    title: "Lists and trees",
    shortcuts: [
      { keys: "↑ ↓", what: "Move the selection" },
      { keys: "Home End", what: "First and last row" },
      { keys: "→ ←", what: "Expand and collapse a folder" },
      { keys: "Enter", what: "Open the selected image, layer or project" },
    ],
  },
  {
    title: "Screens",
    shortcuts: [
      { keys: "C", what: "Images: compare the selected image with another" },
      { keys: "Enter", what: "Diff: compare the two images named" },
      { keys: "Ctrl+B", what: "Projects: build the selected project" },
    ],
  },
];
