// Helpers for the DOM tests (happy-dom): put a view in the page, let the engine's answers and the
// views' timers run, and read what a user sees.
import { vi } from "vitest";

/** When the fixtures were recorded: their `created` and `started` times are counted back from it. */
export const RECORDED_AT = Date.UTC(2026, 11, 4, 21, 0, 0);

/** Fakes the clock (Date and the views' timers) at RECORDED_AT; `vi.useRealTimers()` undoes it. */
export function useRecordedClock(): void {
  vi.useFakeTimers({ now: RECORDED_AT });
}

/** Lets every pending answer arrive and every timer due within `ms` run. */
export async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Shows `elements` as the page's whole body. */
export function mount(...elements: HTMLElement[]): void {
  document.body.replaceChildren(...elements);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no element #${id}`);
  return node as T;
}

export function find<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const node = root.querySelector<T>(selector);
  if (!node) throw new Error(`nothing matches ${selector}`);
  return node;
}

/** The text of the first element `selector` matches. */
export function text(selector: string, root: ParentNode = document): string {
  return find(selector, root).textContent ?? "";
}

/** The texts of every element `selector` matches, in page order. */
export function texts(selector: string, root: ParentNode = document): string[] {
  return [...root.querySelectorAll(selector)].map((node) => node.textContent ?? "");
}

/** Whether the element or one of its ancestors is hidden. */
export function isHidden(node: HTMLElement): boolean {
  for (let at: HTMLElement | null = node; at; at = at.parentElement) if (at.hidden) return true;
  return false;
}

/** Types `value` into a field, as a user does: the field's text changes and it hears `input`. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Picks an option of a menu. */
export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}

/** Ticks or unticks a checkbox, as a click does. */
export function tick(box: HTMLInputElement, checked: boolean): void {
  box.checked = checked;
  box.dispatchEvent(new Event("change", { bubbles: true }));
}

export function press(target: EventTarget, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

export function doubleClick(target: EventTarget): void {
  target.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
}

// happy-dom has no `Option` constructor, which the views use for menus and choices.
if (typeof globalThis.Option === "undefined") {
  globalThis.Option = class {
    constructor(text = "", value?: string) {
      const option = document.createElement("option");
      option.textContent = text;
      if (value !== undefined) option.value = value;
      return option;
    }
  } as unknown as typeof Option;
}
