// Modal dialogs: a question with a default of "no" for actions that destroy something, a
// question with an editable answer (where to save a file), a read-only viewer, and the
// keyboard shortcut sheet.
import type { ShortcutGroup } from "./shortcuts";

/** A backdrop with a dialog in it that closes on Escape; `close` removes it. */
function modal(role: string, wide = false): { dialog: HTMLElement; close: () => void; onClose: (f: () => void) => void } {
  const backdrop = document.createElement("div");
  backdrop.className = "backdrop";
  const dialog = document.createElement("div");
  dialog.className = wide ? "dialog wide" : "dialog";
  dialog.setAttribute("role", role);
  backdrop.appendChild(dialog);
  let after = () => {};
  const close = () => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
    after();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
  };
  document.addEventListener("keydown", onKey, true);
  document.body.appendChild(backdrop);
  return { dialog, close, onClose: (f) => (after = f) };
}

function heading(text: string): HTMLElement {
  const h = document.createElement("h2");
  h.textContent = text;
  return h;
}

/** A right-aligned Close button, focused once the dialog is shown. */
function closeRow(close: () => void): HTMLElement {
  const done = document.createElement("button");
  done.textContent = "Close";
  done.addEventListener("click", close);
  const row = document.createElement("div");
  row.className = "dialog-buttons";
  row.append(done);
  queueMicrotask(() => done.focus());
  return row;
}

/** Cancel and a confirming button, right-aligned. */
function buttonRow(confirmLabel: string, kind: string, id: string): { row: HTMLElement; cancel: HTMLButtonElement; confirm: HTMLButtonElement } {
  const cancel = document.createElement("button");
  cancel.textContent = "Cancel";
  const confirm = document.createElement("button");
  confirm.textContent = confirmLabel;
  confirm.className = kind;
  confirm.id = id;
  const row = document.createElement("div");
  row.className = "dialog-buttons";
  row.append(cancel, confirm);
  return { row, cancel, confirm };
}

/** The class a unified diff's line is drawn with: added, removed, a hunk header, or context. */
export function unifiedLineClass(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return "diff-file";
  if (line.startsWith("+")) return "diff-add";
  if (line.startsWith("-")) return "diff-del";
  if (line.startsWith("@@")) return "diff-hunk";
  return "";
}

/**
 * Shows text (a file, a hex dump, a unified diff) in a scrollable, monospaced, read-only pane;
 * with `lineClass`, each line is drawn with the class it gives.
 */
/** A row of the viewer's comparison table: what, and its value before and after. */
export interface ComparedFact {
  name: string;
  before: string;
  after: string;
}

export function viewerDialog(
  title: string,
  note: string,
  body: string,
  lineClass?: (line: string) => string,
  facts: ComparedFact[] = [],
): void {
  const { dialog, close } = modal("dialog", true);
  const text = document.createElement("p");
  text.className = "muted";
  text.textContent = note;
  dialog.append(heading(title), text);
  if (facts.length > 0) dialog.append(factsTable(facts));
  const pre = document.createElement("pre");
  pre.className = "viewer";
  pre.id = "file-viewer";
  if (lineClass) {
    for (const line of body.split("\n")) {
      const span = document.createElement("span");
      span.className = lineClass(line);
      span.textContent = `${line}\n`;
      pre.append(span);
    }
  } else {
    pre.textContent = body;
  }
  dialog.append(pre, closeRow(close));
}

/** A wide dialog holding `content` under a title and a note, with Close; returns its closer. */
export function panelDialog(title: string, note: string, content: HTMLElement[], id: string): () => void {
  const { dialog, close } = modal("dialog", true);
  dialog.id = id;
  const text = document.createElement("p");
  text.className = "muted";
  text.textContent = note;
  dialog.append(heading(title), text, ...content, closeRow(close));
  return close;
}

/** The attributes that differ, one row each: name, value before, value after. */
function factsTable(facts: ComparedFact[]): HTMLTableElement {
  const table = document.createElement("table");
  table.className = "compared-facts";
  table.id = "compared-facts";
  const head = table.createTHead().insertRow();
  for (const title of ["", "Before", "After"]) head.append(Object.assign(document.createElement("th"), { textContent: title }));
  const body = table.createTBody();
  for (const fact of facts) {
    const row = body.insertRow();
    row.dataset.name = fact.name;
    for (const value of [fact.name, fact.before, fact.after]) row.insertCell().textContent = value;
  }
  return table;
}


export function confirmDialog(title: string, body: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const { dialog, close, onClose } = modal("alertdialog");
    let answer = false;
    onClose(() => resolve(answer));
    const text = document.createElement("p");
    text.textContent = body;
    const { row, cancel, confirm } = buttonRow(confirmLabel, "danger", "confirm-action");
    dialog.append(heading(title), text, row);
    cancel.addEventListener("click", close);
    confirm.addEventListener("click", () => {
      answer = true;
      close();
    });
    cancel.focus();
  });
}

/** The keyboard shortcut sheet (`?`): every group as a two-column table. */
export function shortcutsDialog(groups: ShortcutGroup[]): void {
  const { dialog, close } = modal("dialog");
  dialog.id = "shortcut-sheet";
  dialog.append(heading("Keyboard shortcuts"));
  for (const group of groups) {
    const title = document.createElement("h3");
    title.textContent = group.title;
    const table = document.createElement("table");
    table.className = "shortcuts";
    for (const shortcut of group.shortcuts) {
      const row = table.insertRow();
      const keys = row.insertCell();
      for (const key of shortcut.keys.split(" ")) {
        const kbd = document.createElement("kbd");
        kbd.textContent = key;
        keys.append(kbd, " ");
      }
      row.insertCell().textContent = shortcut.what;
    }
    dialog.append(title, table);
  }
  dialog.append(closeRow(close));
}
