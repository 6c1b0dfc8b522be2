// A virtualized list whose rows live in the backend: the list knows only how many rows there
// are, asks for the pages in view (200 rows at a time) and draws them. A tree of 100k nodes
// costs the page a few dozen elements and a few kilobytes of JSON per scroll step.
import { scrollToReveal, visibleWindow } from "./virtual-rows";

export const PAGE_SIZE = 200;

/** The pages (by number) a window of rows needs that are not cached yet. */
export function missingPages(start: number, end: number, cached: Set<number>): number[] {
  const pages: number[] = [];
  if (end <= start) return pages;
  for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor((end - 1) / PAGE_SIZE); page++) {
    if (!cached.has(page)) pages.push(page);
  }
  return pages;
}

export class PagedRows<T> {
  private count = 0;
  private pages = new Map<number, T[]>();
  private loading = new Set<number>();
  private generation = 0;
  private readonly spacer: HTMLDivElement;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly rowHeight: number,
    private readonly fetchRows: (offset: number, count: number) => Promise<T[]>,
    private readonly drawRow: (row: T, index: number) => HTMLElement,
  ) {
    this.spacer = document.createElement("div");
    this.spacer.className = "vr-spacer";
    viewport.appendChild(this.spacer);
    viewport.addEventListener("scroll", () => this.draw(), { passive: true });
    new ResizeObserver(() => this.draw()).observe(viewport);
  }

  /** The rows changed (a filter, a toggle): forget every page and draw again. */
  reset(count: number): void {
    this.count = count;
    this.generation += 1;
    this.pages.clear();
    this.loading.clear();
    this.spacer.style.height = `${count * this.rowHeight}px`;
    this.draw();
  }

  get length(): number {
    return this.count;
  }

  /** The row at `index`, when its page is loaded. */
  row(index: number): T | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The row at `index`, loading its page first when needed. */
  async rowAt(index: number): Promise<T | undefined> {
    const page = Math.floor(index / PAGE_SIZE);
    if (!this.pages.has(page) && index >= 0 && index < this.count) {
      const generation = this.generation;
      const rows = await this.fetchRows(page * PAGE_SIZE, PAGE_SIZE);
      if (generation === this.generation) this.pages.set(page, rows);
    }
    return this.row(index);
  }

  reveal(index: number): void {
    const target = scrollToReveal(index, this.viewport.scrollTop, this.viewport.clientHeight, this.rowHeight);
    if (target !== null) this.viewport.scrollTop = target;
    this.draw();
  }

  redraw(): void {
    this.draw();
  }

  private draw(): void {
    const window = visibleWindow(this.viewport.scrollTop, this.viewport.clientHeight || 600, this.rowHeight, this.count, 20);
    const fragment = document.createDocumentFragment();
    for (let i = window.start; i < window.end; i++) {
      const row = this.row(i);
      if (row === undefined) continue;
      const element = this.drawRow(row, i);
      element.style.transform = `translateY(${i * this.rowHeight}px)`;
      element.classList.add("vr-row");
      element.dataset.index = String(i);
      fragment.appendChild(element);
    }
    this.spacer.replaceChildren(fragment);
    const wanted = missingPages(window.start, window.end, new Set(this.pages.keys())).filter((p) => !this.loading.has(p));
    for (const page of wanted) void this.load(page);
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.loading.add(page);
    try {
      const rows = await this.fetchRows(page * PAGE_SIZE, PAGE_SIZE);
      if (generation !== this.generation) return;
      this.pages.set(page, rows);
      this.draw();
    } finally {
      if (generation === this.generation) this.loading.delete(page);
    }
  }
}

/** What a key does in a tree of paged rows: select another row, fold or unfold one, or open it. */
export type TreeKey = { select: number } | { expand: boolean } | { open: true } | null;

/** Arrows, Page Up/Down, Home/End move; Left/Right fold and unfold a folder; Enter opens. */
export function treeKey(key: string, selected: number, length: number, row: { expandable: boolean } | undefined): TreeKey {
  const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
  if (key in moves) return { select: Math.min(length - 1, Math.max(0, (selected < 0 ? -1 : selected) + moves[key])) };
  if (key === "Home" || key === "End") return { select: key === "Home" ? 0 : length - 1 };
  if ((key === "ArrowRight" || key === "ArrowLeft") && row?.expandable) return { expand: key === "ArrowRight" };
  if (key === "Enter" && row) return { open: true };
  return null;
}
