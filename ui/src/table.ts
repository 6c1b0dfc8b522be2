// A sortable, keyboard-navigable table on top of VirtualRows. Columns say how to draw a cell;
// the data arrives already filtered and sorted by the backend.
import { VirtualRows } from "./virtual-rows";

export interface Column<T> {
  title: string;
  width: string; // a CSS grid track, e.g. "2fr" or "120px"
  cell: (row: T) => string | HTMLElement;
  sortKey?: string;
  align?: "right";
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowData?: (row: T) => Record<string, string>;
  onSort?: (key: string) => void;
  onOpen?: (row: T) => void;
  /** Columns (by index) left out when the table is narrower than `below` pixels, so what
   * matters — the name, the figures, the actions — stays on screen without scrolling sideways;
   * `className` marks the table at that width (cells may draw themselves more compactly). */
  narrow?: NarrowLevel[];
}

/** What a table leaves out below a width. */
export interface NarrowLevel {
  below: number;
  hide: number[];
  className?: string;
}

const ROW_HEIGHT = 34;

/** How many columns, counted from the first, style.css has a hiding rule for (`hide-col-N`). */
export const HIDEABLE_COLUMNS = 12;

export class Table<T> {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: VirtualRows<T>;
  private rows: T[] = [];
  private selectedKey: string | null = null;
  /** Drawn rows by key, kept and updated in place: a refresh does not replace the row (and the
   * button) under the user's pointer. */
  private drawn = new Map<string, HTMLElement>();

  constructor(private readonly options: TableOptions<T>) {
    this.element = document.createElement("div");
    this.element.className = "table";
    const unhideable = (options.narrow ?? []).flatMap((level) => level.hide).filter((index) => index >= HIDEABLE_COLUMNS);
    if (unhideable.length > 0) throw new Error(`style.css has no rule to hide column ${unhideable.join(", ")}`);
    this.fitColumns(Infinity);
    if (options.narrow && typeof ResizeObserver !== "undefined") {
      new ResizeObserver(([entry]) => this.fitColumns(entry.contentRect.width)).observe(this.element);
    }
    this.header = document.createElement("div");
    this.header.className = "table-header";
    const viewport = document.createElement("div");
    viewport.className = "table-body";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "grid");
    viewport.addEventListener("keydown", (e) => this.onKey(e));
    // When the columns are wider than the window, the header scrolls sideways with the rows.
    viewport.addEventListener("scroll", () => (this.header.scrollLeft = viewport.scrollLeft), { passive: true });
    this.element.append(this.header, viewport);
    this.body = new VirtualRows<T>(viewport, ROW_HEIGHT, (row) => this.drawRow(row));
    this.drawHeader(null, false);
  }

  /** Shows the columns that fit `width` (see `narrow`): the others' tracks leave the grid and
   * their cells are hidden (`data-col` marks each cell with its column). */
  fitColumns(width: number): void {
    const levels = this.options.narrow ?? [];
    const applying = levels.filter((level) => width < level.below);
    const hidden = new Set(applying.flatMap((level) => level.hide));
    const template = this.options.columns.filter((_, index) => !hidden.has(index)).map((c) => c.width).join(" ");
    this.element.style.setProperty("--columns", template);
    const changed = this.element.dataset.hidden !== [...hidden].sort().join(" ");
    this.element.dataset.hidden = [...hidden].sort().join(" ");
    for (const level of levels) if (level.className) this.element.classList.toggle(level.className, applying.includes(level));
    // Cells that draw themselves by the table's width are drawn again.
    if (changed) this.body?.redraw();
    // The width the columns were last fitted to: until the table has been measured on screen
    // it is absent, and its columns may still change once.
    if (Number.isFinite(width) && width > 0) this.element.dataset.fittedTo = String(Math.round(width));
    for (const index of this.options.columns.keys()) this.element.classList.toggle(`hide-col-${index}`, hidden.has(index));
  }

  setRows(rows: T[]): void {
    this.rows = rows;
    const keys = new Set(rows.map((r) => this.options.rowKey(r)));
    for (const key of this.drawn.keys()) if (!keys.has(key)) this.drawn.delete(key);
    this.body.setRows(rows);
  }

  /** Writes again the cells of the rows on screen whose words depend on the time ("2 hours
   * ago"), in place: no row is replaced under the user's pointer. */
  refreshTexts(): void {
    this.body.redraw();
  }

  selected(): T | undefined {
    return this.rows.find((r) => this.options.rowKey(r) === this.selectedKey);
  }

  drawHeader(sortKey: string | null, descending: boolean): void {
    const cells = this.options.columns.map((column, index) => {
      const cell = document.createElement(column.sortKey ? "button" : "div");
      cell.dataset.col = String(index);
      cell.className = `th${column.align === "right" ? " right" : ""}`;
      const arrow = column.sortKey && column.sortKey === sortKey ? (descending ? " ▼" : " ▲") : "";
      cell.textContent = column.title + arrow;
      if (column.sortKey) {
        cell.setAttribute("data-sort", column.sortKey);
        cell.addEventListener("click", () => this.options.onSort?.(column.sortKey!));
      }
      return cell;
    });
    this.header.replaceChildren(...cells);
  }

  /** The row's element: built the first time, then updated in place — only the cells whose
   * content changed are written again, so a button or a text under the pointer stays the same
   * element while the figures beside it move every second. */
  private drawRow(row: T): HTMLElement {
    const key = this.options.rowKey(row);
    let element = this.drawn.get(key);
    if (!element) {
      element = this.buildRow(key);
      this.drawn.set(key, element);
    }
    element.classList.toggle("selected", key === this.selectedKey);
    for (const [name, value] of Object.entries(this.options.rowData?.(row) ?? {})) element.dataset[name] = value;
    this.options.columns.forEach((column, index) => fillCell(element.children[index] as HTMLElement, column.cell(row)));
    return element;
  }

  private buildRow(key: string): HTMLElement {
    const element = document.createElement("div");
    element.className = "tr";
    for (const [index, column] of this.options.columns.entries()) {
      const cell = document.createElement("div");
      cell.dataset.col = String(index);
      cell.className = `td${column.align === "right" ? " right" : ""}`;
      element.appendChild(cell);
    }
    const current = () => this.rows.find((r) => this.options.rowKey(r) === key);
    element.addEventListener("click", () => this.select(key));
    element.addEventListener("dblclick", () => {
      const row = current();
      if (row) this.options.onOpen?.(row);
    });
    return element;
  }

  private select(key: string): void {
    this.selectedKey = key;
    this.body.redraw();
  }

  private onKey(event: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const index = this.rows.findIndex((r) => this.options.rowKey(r) === this.selectedKey);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 15, PageUp: -15 };
    let next: number | null = null;
    if (event.key in moves) next = Math.min(this.rows.length - 1, Math.max(0, index + moves[event.key]));
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = this.rows.length - 1;
    if (event.key === "Enter" && index >= 0) this.options.onOpen?.(this.rows[index]);
    if (next === null) return;
    event.preventDefault();
    this.selectedKey = this.options.rowKey(this.rows[next]);
    this.body.reveal(next);
  }
}

/** Writes `content` into `cell` unless it shows exactly that already. */
function fillCell(cell: HTMLElement, content: string | HTMLElement): void {
  if (typeof content === "string") {
    if (cell.childElementCount === 0 && cell.textContent === content) return;
    cell.textContent = content;
    cell.title = content;
  } else if (cell.firstElementChild?.outerHTML !== content.outerHTML || cell.childElementCount !== 1) {
    cell.replaceChildren(content);
    cell.removeAttribute("title");
  }
}

/** A small element with text and a class, for pills and badges inside cells. */
export function badge(text: string, kind: string): HTMLElement {
  const span = document.createElement("span");
  span.className = `badge ${kind}`;
  span.textContent = text;
  return span;
}
