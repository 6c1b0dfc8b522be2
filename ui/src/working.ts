// Work the user waits for — reading a file out of an image, comparing one — shows at once that
// it is working: a line at the bottom of the window with the task's name, a spinner and, where
// the work can be stopped, a Cancel button (Escape too). It appears within 100 ms of the click
// (it is drawn at once, and only fades in after 80 ms, so a quick answer does not flash it).

import { button, element } from "./dom";

let shown: HTMLElement | null = null;

/** Runs `task`, showing `label` while it works; `cancel` (when given) stops it. The line goes when
 * the task ends, however it ends. */
export async function whileWorking<T>(label: string, task: () => Promise<T>, cancel?: () => void): Promise<T> {
  const line = element("div", "working");
  line.id = "working";
  line.setAttribute("role", "status");
  line.append(element("span", "spinner"), element("span", "working-label", label));
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !cancel) return;
    event.preventDefault();
    event.stopPropagation();
    cancel();
  };
  if (cancel) {
    const stop = button("Cancel", "working-cancel", cancel, "Stop (Escape)");
    stop.classList.add("small");
    line.append(stop);
    document.addEventListener("keydown", onKey, true);
  }
  shown?.remove();
  shown = line;
  document.body.append(line);
  try {
    return await task();
  } finally {
    document.removeEventListener("keydown", onKey, true);
    line.remove();
    if (shown === line) shown = null;
  }
}

/** The work shown now, if any: its label. */
export function workingLabel(): string | null {
  return shown?.querySelector(".working-label")?.textContent ?? null;
}
