// Work the user waits for — reading a file out of an image, comparing one, extracting one —
// shows at once that it is working: a line at the bottom of the window with the task's name, a
// spinner and, where the work can be stopped, a Cancel button (Escape too). It appears within
// 100 ms of the click (it is drawn at once, and only fades in after 80 ms, so a quick answer does
// not flash it).

import { button, element } from "./dom";

let shown: HTMLElement | null = null;

/** A working line, not shown yet: `show()` draws it (when the work starts — after a file dialog,
 * say), `end()` takes it away, however the work ended. `cancel` (when given) stops the work. */
export function workingLine(label: string, cancel?: () => void): { show: () => void; end: () => void } {
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
    line.append(stop);
  }
  const end = () => {
    document.removeEventListener("keydown", onKey, true);
    line.remove();
    if (shown === line) shown = null;
  };
  const show = () => {
    if (line.isConnected) return;
    shown?.remove();
    shown = line;
    document.body.append(line);
    if (cancel) document.addEventListener("keydown", onKey, true);
  };
  return { show, end };
}

/** Runs `task`, showing `label` while it works; `cancel` (when given) stops it. */
export async function whileWorking<T>(label: string, task: () => Promise<T>, cancel?: () => void): Promise<T> {
  const line = workingLine(label, cancel);
  line.show();
  try {
    return await task();
  } finally {
    line.end();
  }
}
