// A small menu of more actions, opened from a "⋯" button where a row has no room for all its
// buttons (the Containers list in a narrow window). A choice, a click elsewhere or Escape closes
// it; the arrow keys move between its items.

import { element } from "./dom";

/** One action in a menu. */
export interface MenuItem {
  label: string;
  action: () => void;
}

/** A button that opens `items` in a menu below it (above it, near the window's bottom). */
export function menuButton(label: string, title: string, items: MenuItem[]): HTMLButtonElement {
  const opener = element("button", "small menu-opener", label);
  opener.title = title;
  opener.dataset.action = "more";
  opener.setAttribute("aria-haspopup", "menu");
  opener.addEventListener("click", (event) => {
    event.stopPropagation();
    openMenu(opener, items);
  });
  return opener;
}

function openMenu(opener: HTMLElement, items: MenuItem[]): void {
  document.getElementById("popup-menu")?.remove();
  const menu = element("div", "popup-menu");
  menu.id = "popup-menu";
  menu.setAttribute("role", "menu");
  const close = () => {
    menu.remove();
    document.removeEventListener("click", onClickElsewhere, true);
    document.removeEventListener("keydown", onKey, true);
  };
  const onClickElsewhere = (event: MouseEvent) => {
    if (!menu.contains(event.target as Node)) close();
  };
  const onKey = (event: KeyboardEvent) => {
    const entries = [...menu.querySelectorAll<HTMLButtonElement>("button")];
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key === "Escape") {
      close();
      opener.focus();
    } else if (event.key in step) {
      entries[(at + step[event.key] + entries.length) % entries.length]?.focus();
    } else return;
    event.preventDefault();
    event.stopPropagation();
  };
  for (const item of items) {
    const entry = element("button", "", item.label);
    entry.setAttribute("role", "menuitem");
    entry.dataset.action = item.label.toLowerCase();
    entry.addEventListener("click", (event) => {
      event.stopPropagation();
      close();
      item.action();
    });
    menu.append(entry);
  }
  const anchor = opener.getBoundingClientRect();
  const room = document.documentElement.clientHeight;
  menu.style.right = `${Math.max(4, document.documentElement.clientWidth - anchor.right)}px`;
  if (anchor.bottom + 40 * items.length > room) menu.style.bottom = `${room - anchor.top + 4}px`;
  else menu.style.top = `${anchor.bottom + 4}px`;
  document.body.append(menu);
  document.addEventListener("click", onClickElsewhere, true);
  document.addEventListener("keydown", onKey, true);
  menu.querySelector("button")?.focus();
}
