// The keyboard shortcuts, as the `?` sheet lists them: one table for the sheet and the tests, so
// what the sheet promises is what the window does.

export interface Shortcut {
  keys: string;
  what: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

export const SHORTCUTS: ShortcutGroup[] = [
  {
    title: "Anywhere",
    shortcuts: [
      { keys: "Ctrl+1 … Ctrl+6", what: "Images, Containers, Layers, Diff, Projects, Cleanup" },
      { keys: "Ctrl+O", what: "Open an image archive (docker save, OCI) on Layers" },
      { keys: "/", what: "Search: the image filter, or the file search on Layers" },
      { keys: "Escape", what: "Leave a field, close a dialog or a panel" },
      { keys: "?", what: "This sheet" },
      { keys: "Ctrl+Shift+L", what: "Switch theme: system, light, dark" },
    ],
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
