// The helpers the screens share for building the page: an element with a class and a text, and
// a small button.

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className = "", text = ""): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** [`element`] whose text shows the commands it quotes in backticks, as the engine's hints write
 * them ("Start Docker (`sudo systemctl start docker`)"), as code. */
export function withCode<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const node = element(tag, className);
  node.append(...text.split(/`([^`]+)`/).map((part, index) => (index % 2 === 1 ? element("code", "", part) : document.createTextNode(part))));
  return node;
}

/** A small button with an id (for tests and shortcuts) and a tooltip. */
export function button(label: string, id: string, onClick: () => void, title = ""): HTMLButtonElement {
  const node = element("button", "small", label);
  node.id = id;
  if (title) node.title = title;
  node.addEventListener("click", onClick);
  return node;
}

/** Escape in a field: a search or filter with text in it is emptied, and told so (an `input`
 * event, as typing would), so the list it filters shows everything again; any other field, or an
 * empty one, is left. Says whether the field was emptied. */
export function clearOrLeave(field: HTMLElement): boolean {
  if (field instanceof HTMLInputElement && field.type === "search" && field.value !== "") {
    field.value = "";
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }
  field.blur();
  return false;
}

/** `node` with a tooltip saying what its figure counts. */
export function withTitle<T extends HTMLElement>(node: T, title: string): T {
  node.title = title;
  return node;
}
