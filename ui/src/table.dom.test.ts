// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HIDEABLE_COLUMNS, Table } from "./table";

describe("a table narrower than its columns", () => {
  const table = new Table<{ name: string }>({
    columns: ["Name", "Image", "State", "Status"].map((title) => ({ title, width: `${title.length}0px`, cell: (row: { name: string }) => `${title} of ${row.name}` })),
    rowKey: (row) => row.name,
    narrow: [
      { below: 1000, hide: [1] },
      { below: 600, hide: [3] },
    ],
  });

  it("leaves out the columns it names, tracks and cells alike, and brings them back when wider", () => {
    table.fitColumns(1200);
    expect(table.element.style.getPropertyValue("--columns")).toBe("40px 50px 50px 60px");
    expect(table.element.classList.contains("hide-col-1")).toBe(false);
    table.fitColumns(800);
    expect(table.element.style.getPropertyValue("--columns")).toBe("40px 50px 60px");
    expect(table.element.classList.contains("hide-col-1")).toBe(true);
    table.fitColumns(500);
    expect(table.element.style.getPropertyValue("--columns")).toBe("40px 50px");
    expect(table.element.dataset.hidden).toBe("1 3");
    table.fitColumns(1200);
    expect(table.element.dataset.hidden).toBe("");
  });

  it("marks every header cell with its column, for the rule that hides it", () => {
    expect([...table.element.querySelectorAll(".th")].map((cell) => (cell as HTMLElement).dataset.col)).toEqual(["0", "1", "2", "3"]);
  });
});

describe("a table whose figures move", () => {
  interface Row {
    id: string;
    status: string;
    running: boolean;
  }
  const table = new Table<Row>({
    columns: [
      { title: "Status", width: "100px", cell: (row) => row.status },
      {
        title: "",
        width: "100px",
        cell: (row) => Object.assign(document.createElement("button"), { textContent: row.running ? "Stop" : "Start" }),
      },
    ],
    rowKey: (row) => row.id,
  });
  document.body.replaceChildren(table.element);

  it("updates the cells in place: the row and a button under the pointer stay the same elements", () => {
    table.setRows([{ id: "a", status: "Up 3 seconds", running: true }]);
    const row = table.element.querySelector(".tr")!;
    const stop = row.querySelector("button")!;
    table.setRows([{ id: "a", status: "Up 4 seconds", running: true }]);
    expect(table.element.querySelector(".tr")).toBe(row);
    expect(row.querySelector("button")).toBe(stop);
    expect(row.querySelector(".td")!.textContent).toBe("Up 4 seconds");

    table.setRows([{ id: "a", status: "Exited (0) 1 second ago", running: false }]);
    expect(table.element.querySelector(".tr")).toBe(row);
    expect(row.querySelector("button")!.textContent).toBe("Start");
  });
});

describe("the rules that hide columns", () => {
  it("exist in style.css for every column a table may leave out", () => {
    // (This file runs in a DOM whose URLs are not files: the path is the UI folder's, where
    // vitest runs.)
    const css = readFileSync("src/style.css", "utf8");
    for (let index = 0; index < HIDEABLE_COLUMNS; index++) {
      expect(css).toContain(`.table.hide-col-${index} [data-col="${index}"]`);
    }
  });

  it("are asked for no further: a table naming a later column is refused at once", () => {
    const columns = Array.from({ length: HIDEABLE_COLUMNS + 1 }, (_, index) => ({ title: `C${index}`, width: "10px", cell: () => "" }));
    expect(() => new Table({ columns, rowKey: () => "", narrow: [{ below: 100, hide: [HIDEABLE_COLUMNS] }] })).toThrow(
      `no rule to hide column ${HIDEABLE_COLUMNS}`,
    );
  });
});
