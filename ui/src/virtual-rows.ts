// A virtualized table body: only the rows in view (plus a margin) exist in the page, so a list of
// thousands of images scrolls as smoothly as a list of ten.

export interface RowWindow {
  start: number;
  end: number; // exclusive
}

/** Which rows to draw for a viewport scrolled to `scrollTop`. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(viewportHeight / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** Where to scroll so row `index` is fully visible, or `null` when it already is. */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

export class VirtualRows<T> {
  private rows: T[] = [];
  private readonly spacer: HTMLDivElement;
  private drawn: RowWindow = { start: 0, end: 0 };

  constructor(
    private readonly viewport: HTMLElement,
    private readonly rowHeight: number,
    private readonly drawRow: (row: T, index: number) => HTMLElement,
  ) {
    this.spacer = document.createElement("div");
    this.spacer.className = "vr-spacer";
    viewport.appendChild(this.spacer);
    viewport.addEventListener("scroll", () => this.draw(false), { passive: true });
    new ResizeObserver(() => this.draw(false)).observe(viewport);
  }

  setRows(rows: T[]): void {
    this.rows = rows;
    this.spacer.style.height = `${rows.length * this.rowHeight}px`;
    this.draw(true);
  }

  reveal(index: number): void {
    const target = scrollToReveal(index, this.viewport.scrollTop, this.viewport.clientHeight, this.rowHeight);
    if (target !== null) this.viewport.scrollTop = target;
    this.draw(true);
  }

  redraw(): void {
    this.draw(true);
  }

  private draw(force: boolean): void {
    const window = visibleWindow(this.viewport.scrollTop, this.viewport.clientHeight || 600, this.rowHeight, this.rows.length);
    if (!force && window.start === this.drawn.start && window.end === this.drawn.end) return;
    this.drawn = window;
    const fragment = document.createDocumentFragment();
    for (let i = window.start; i < window.end; i++) {
      const element = this.drawRow(this.rows[i], i);
      element.style.transform = `translateY(${i * this.rowHeight}px)`;
      element.classList.add("vr-row");
      fragment.appendChild(element);
    }
    this.spacer.replaceChildren(fragment);
  }
}
