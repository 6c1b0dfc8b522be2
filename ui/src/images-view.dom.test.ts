// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImageQuery, ImageRow } from "./api";
import * as recorded from "./fixtures";
import { ImagesView } from "./images-view";
import { byId, doubleClick, find, mount, press, settle, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, fail, lastCall, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

/** Each row's cells as the user reads them. */
function rows(): string[][] {
  return [...document.querySelectorAll("#images-view .tr")].map((row) => [...row.children].map((cell) => cell.textContent ?? ""));
}

/** The engine's filter, for the rows of the recording: text in the reference, dangling, in use. */
function listImages({ query }: { query: ImageQuery }): ImageRow[] {
  return recorded.images.filter(
    (row) =>
      `${row.repository}:${row.tag}`.includes(query.text) && (!query.dangling_only || row.dangling) && (!query.in_use_only || row.containers > 0),
  );
}

describe("the Images screen", () => {
  let explore: ReturnType<typeof vi.fn>;
  let compare: ReturnType<typeof vi.fn>;
  let view: ImagesView;

  beforeEach(() => {
    useRecordedClock();
    explore = vi.fn();
    compare = vi.fn();
    view = new ImagesView(explore, compare);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
  });

  it("lists every tag newest first, with its size, shared size, age and users", async () => {
    answer("list_images", recorded.images);
    view.setTotal(6, true);
    await view.refresh();

    expect(texts("#images-view .th")).toEqual(["Repository", "Tag", "Image ID", "Created ▼", "Size", "Shared", "Containers", "Audit", "Vulns", "Registry"]);
    expect(rows()).toEqual([
      ["api", "1.4", "1a0cdd936b34", "1 hour ago", "158 MB", "128 MB", "0", "—", "—", ""],
      ["<none> dangling", "<none>", "fb91ee0c62cc", "1 day ago", "157 MB", "128 MB", "0", "—", "—", ""],
      ["api", "1.3", "7c37486b8ea2", "2 days ago", "157 MB", "128 MB", "0", "—", "—", ""],
      ["debian", "bookworm-slim", "12f2bc40491f", "2 weeks ago", "74.8 MB", "74.8 MB", "0", "—", "—", ""],
      ["busybox in use", "1.36", "a416a98b71e2", "3 years ago", "4.26 MB", "0 B", "3", "—", "—", ""],
      ["busybox in use", "latest", "a416a98b71e2", "3 years ago", "4.26 MB", "0 B", "3", "—", "—", ""],
    ]);
    expect(find("#images-view .summary").textContent).toBe("6 images");
    expect(find("#images-keys-hint").textContent).toBe("Enter or double-click opens an image in Layers · C compares it with another tag");
    expect(find("#images-view .empty").hidden).toBe(true);
    expect(callsOf("list_images")[0].query).toEqual({ text: "", dangling_only: false, in_use_only: false, sort: "created", descending: true });
  });

  it("shows what each image's last audit found, from the cache only, and a dash for the rest", async () => {
    answer("list_images", recorded.images);
    const [api14, , api13, debian] = recorded.images;
    answer("audit_tallies", {
      [api14.id]: { secrets: 2, settings: 1, advice: 3, highest: "critical" },
      [api13.id]: { secrets: 0, settings: 1, advice: 2, highest: "medium" },
      [debian.id]: { secrets: 0, settings: 0, advice: 0, highest: null },
    });
    view.setTotal(6, true);
    await view.refresh();

    expect(rows().map((row) => row[7])).toEqual(["2 secrets", "—", "3 to check", "clean", "—", "—"]);
    // Each image's id is asked for once, though busybox has two tags.
    expect(lastCall("audit_tallies").ids).toHaveLength(5);
    const secrets = find("#images-view .tr .audit-cell");
    expect(secrets.title).toBe("Last audit: 2 secrets, 1 risky settings, 3 waste advice (before any allow-list)");
    expect(secrets.querySelector(".badge.danger")).not.toBeNull();
  });

  it("shows each checked image's worst known vulnerabilities against the current database, and a dash for the rest", async () => {
    answer("list_images", recorded.images);
    const [api14, , api13, debian] = recorded.images;
    answer("vuln_tallies", {
      [api14.id]: { critical: 1, high: 4, medium: 0, low: 2, unknown: 9 },
      [api13.id]: { critical: 0, high: 0, medium: 3, low: 0, unknown: 0 },
      [debian.id]: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
    });
    view.setTotal(6, true);
    await view.refresh();

    expect(rows().map((row) => row[8])).toEqual(["1 critical", "—", "3 medium", "none known", "—", "—"]);
    expect(lastCall("vuln_tallies").ids).toHaveLength(5);
    const worst = find("#images-view .tr .vuln-cell");
    expect(worst.title).toBe("Known vulnerabilities: 1 critical, 4 high, 0 medium, 2 low, 9 unknown");
    expect(worst.querySelector(".badge.danger")).not.toBeNull();
  });

  it("shows whether the registry's tag is each image, asking the registries again after five minutes", async () => {
    answer("list_images", recorded.images);
    answer("images_against_registries", [
      { reference: "api:1.4", state: { kind: "same" } },
      { reference: "api:1.3", state: { kind: "differs", layers: 2 } },
      { reference: "debian:bookworm-slim", state: { kind: "not-there" } },
      { reference: "busybox:1.36", state: { kind: "unreadable", reason: "127.0.0.1:5000 does not answer: connection refused" } },
    ]);
    view.setTotal(6, true);
    await view.refresh();
    await settle();

    // The engine answers only for names in a listed registry: busybox:latest is in none.
    expect(rows().map((row) => row[9])).toEqual(["same", "", "2 layers differ", "not pushed", "unreadable", ""]);
    expect(lastCall("images_against_registries").references).toEqual([
      "api:1.4",
      "api:1.3",
      "debian:bookworm-slim",
      "busybox:1.36",
      "busybox:latest",
    ]);
    expect(find('#images-view [data-registry="unreadable"]').title).toBe("127.0.0.1:5000 does not answer: connection refused");
    expect(find('#images-view [data-registry="same"] .badge.ok')).not.toBeNull();

    // Answers are kept five minutes; names in no listed registry are asked again (one may be
    // added meanwhile), which costs the engine no registry request.
    await view.refresh();
    await settle();
    expect(lastCall("images_against_registries").references).toEqual(["busybox:latest"]);
    await settle(5 * 60_000 + 1);
    await view.refresh();
    await settle();
    expect(lastCall("images_against_registries").references).toHaveLength(5);
  });

  it("lets the ages move on while the screen stays open, keeping the rows in place", async () => {
    answer("list_images", recorded.images);
    view.setTotal(6, true);
    await view.refresh();
    const first = find("#images-view .tr");
    expect(rows()[0][3]).toBe("1 hour ago");
    await settle(2 * 3600 * 1000);
    expect(rows()[0][3]).toBe("3 hours ago");
    expect(find("#images-view .tr")).toBe(first);
    expect(callsOf("list_images")).toHaveLength(1);
  });

  it("asks the engine again as the user types, and says how many of all match", async () => {
    answer("list_images", listImages);
    view.setTotal(6, true);
    await view.refresh();

    type(byId<HTMLInputElement>("image-filter"), "busybox");
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ text: "busybox" });
    expect(rows().map((cells) => `${cells[0]}:${cells[1]}`)).toEqual(["busybox in use:1.36", "busybox in use:latest"]);
    expect(find("#images-view .summary").textContent).toBe("2 of 6 images");

    type(byId<HTMLInputElement>("image-filter"), "alpine");
    await settle();
    expect(rows()).toEqual([]);
    expect(find("#images-view .summary").textContent).toBe("0 of 6 images");
    expect(find("#images-view .empty").hidden).toBe(false);
    expect(find("#images-view .empty").textContent).toBe("No image matches the filter.");

    type(byId<HTMLInputElement>("image-filter"), "");
    await settle();
    expect(rows()).toHaveLength(6);
    expect(find("#images-view .summary").textContent).toBe("6 images");
  });

  it("shows only dangling images, or only images in use, when those boxes are ticked", async () => {
    answer("list_images", listImages);
    view.setTotal(6, true);
    await view.refresh();

    tick(byId<HTMLInputElement>("toggle-dangling"), true);
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ dangling_only: true, in_use_only: false });
    expect(rows().map((cells) => cells[2])).toEqual(["fb91ee0c62cc"]);

    tick(byId<HTMLInputElement>("toggle-dangling"), false);
    tick(byId<HTMLInputElement>("toggle-in-use"), true);
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ dangling_only: false, in_use_only: true });
    expect(rows().map((cells) => cells[1])).toEqual(["1.36", "latest"]);
    expect(find("#images-view .summary").textContent).toBe("2 of 6 images");
  });

  it("sorts by a column when its header is clicked, largest first, then the other way", async () => {
    answer("list_images", recorded.images);
    view.setTotal(6, true);
    await view.refresh();

    find<HTMLButtonElement>('#images-view [data-sort="size"]').click();
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ sort: "size", descending: true });
    expect(texts("#images-view .th")).toContain("Size ▼");
    expect(texts("#images-view .th")).toContain("Created");

    find<HTMLButtonElement>('#images-view [data-sort="size"]').click();
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ sort: "size", descending: false });
    expect(texts("#images-view .th")).toContain("Size ▲");

    find<HTMLButtonElement>('#images-view [data-sort="repository"]').click();
    await settle();
    expect(lastCall("list_images").query).toMatchObject({ sort: "repository", descending: false });
  });

  it("selects a clicked row, opens it on Enter or a double click, and compares it on C", async () => {
    answer("list_images", recorded.images);
    view.setTotal(6, true);
    await view.refresh();

    find('#images-view .tr[data-ref="busybox:1.36"]').click();
    expect(texts("#images-view .tr.selected").length).toBe(1);
    expect(find("#images-view .tr.selected").dataset.ref).toBe("busybox:1.36");

    const body = find("#images-view .table-body");
    press(body, "ArrowUp");
    expect(find("#images-view .tr.selected").dataset.ref).toBe("debian:bookworm-slim");
    press(body, "Enter");
    expect(explore).toHaveBeenLastCalledWith("debian:bookworm-slim");
    press(body, "c");
    expect(compare).toHaveBeenLastCalledWith("debian:bookworm-slim");

    // An image without a tag is named by its id.
    doubleClick(find('#images-view .tr[data-ref="<none>:<none>"]'));
    expect(explore).toHaveBeenLastCalledWith("sha256:fb91ee0c62cc43b6b287216ae1066a1fdedb79463168423726f1d035292d351f");
  });

  it("says so when the daemon has no images, and when there is no daemon", async () => {
    answer("list_images", []);
    view.setTotal(0, true);
    await view.refresh();
    expect(find("#images-view .summary").textContent).toBe("0 images");
    expect(find("#images-view .empty").hidden).toBe(false);
    expect(find("#images-view .empty").textContent).toBe("No images on this daemon yet. Build or load one and it appears here at once.");

    // Told the daemon is gone, the empty list says so at once, before any new listing.
    view.setTotal(6, false);
    expect(find("#images-view .empty").textContent).toBe("Not connected to a daemon: see above for what Strata tried and how to fix it.");
    await view.refresh();
    expect(find("#images-view .empty").textContent).toBe("Not connected to a daemon: see above for what Strata tried and how to fix it.");
  });

  it("hands a failed listing to the window and keeps the rows it had", async () => {
    answer("list_images", recorded.images);
    view.setTotal(6, true);
    await view.refresh();
    const failure = {
      code: "daemon-unreachable",
      message: "not connected: the daemon at unix:///var/run/docker.sock went away",
      hint: "Start Docker (`sudo systemctl start docker`, or open Docker Desktop), set DOCKER_HOST, or pick another endpoint.",
    };
    fail("list_images", failure);

    await expect(view.refresh()).rejects.toEqual(failure);
    expect(rows()).toHaveLength(6);
    expect(find("#images-view .summary").textContent).toBe("6 images");
  });
});
