// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PullState, RegistryTags, TagDetails } from "./api";
import { RegistriesView, localText, platformsText, sizeText } from "./registries-view";
import { byId, find, isHidden, mount, settle, text, texts, tick, type, useRecordedClock } from "./testing/dom";
import { answer, callsOf, channelOf, fail, resetEngine } from "./testing/fake-tauri";

vi.mock("@tauri-apps/api/core", () => import("./testing/fake-tauri"));

const HOST = "127.0.0.1:5000";

function tag(name: string, platforms: string[], attestations = 0): TagDetails {
  return {
    tag: name,
    digest: `sha256:${name.padEnd(64, "0")}`,
    images: platforms.map((platform, i) => ({
      platform,
      digest: `sha256:${String(i).padEnd(64, "1")}`,
      compressed_bytes: 1_000_000 * (i + 1),
      created: "2026-12-01T10:00:00Z",
      labels: {},
      config: `sha256:${String(i).padEnd(64, "2")}`,
      diff_ids: [],
    })),
    attestations,
  };
}

const TAGS: RegistryTags = {
  list: { tags: [tag("1.4", ["linux/amd64", "linux/arm64"], 2), tag("1.5", ["linux/amd64"])], rest: [], unread: [], cut: false },
  here: [{ kind: "same" }, { kind: "differs", layers: 2 }],
};

describe("the Registries screen", () => {
  let report: ReturnType<typeof vi.fn>;
  let explore: ReturnType<typeof vi.fn>;
  let compare: ReturnType<typeof vi.fn>;
  let view: RegistriesView;

  beforeEach(() => {
    useRecordedClock();
    answer("registries_known", [{ host: HOST, signed_in: false, insecure: false }]);
    answer("registry_repositories", { names: ["team/app"], cut: false });
    answer("registry_tags", TAGS);
    report = vi.fn();
    explore = vi.fn();
    compare = vi.fn();
    view = new RegistriesView(report, explore, compare);
    mount(view.element);
  });

  afterEach(() => {
    vi.useRealTimers();
    resetEngine();
  });

  it("says what a tag holds in a few words", () => {
    expect(platformsText(TAGS.list.tags[0])).toBe("linux/amd64, linux/arm64 · 2 attestations");
    expect(sizeText(TAGS.list.tags[0])).toBe("1 MB – 2 MB");
    expect(sizeText(TAGS.list.tags[1])).toBe("1 MB");
    expect([{ kind: "absent" } as const, { kind: "differs", layers: 1 } as const, undefined].map(localText)).toEqual(["not here", "differs by 1 layer", ""]);
  });

  it("browses a registry's repositories and tags, opens one and compares two", async () => {
    await view.refresh();
    expect(texts("#registries-view .registry-item")).toEqual([HOST]);
    find<HTMLButtonElement>(`.registry-item[data-host="${HOST}"]`).click();
    await settle();
    expect(text("#registries-view .registry-status")).toBe("1 repository");
    find<HTMLButtonElement>('.repository-item[data-repository="team/app"]').click();
    await settle();
    expect(callsOf("registry_tags")).toEqual([{ repository: `${HOST}/team/app` }]);
    expect(texts("#registries-view .tag-row:not(.head) .tag-name")).toEqual(["1.4", "1.5"]);
    expect(texts("#registries-view .tag-row:not(.head) .here")).toEqual(["same", "differs by 2 layers"]);

    find<HTMLButtonElement>('.tag-row[data-tag="1.5"] button[data-action="layers"]').click();
    expect(explore).toHaveBeenCalledWith(`registry://${HOST}/team/app:1.5`);

    const compareButton = byId<HTMLButtonElement>("compare-tags");
    expect(compareButton.disabled).toBe(true);
    tick(find<HTMLInputElement>('.tag-row[data-tag="1.4"] input'), true);
    tick(find<HTMLInputElement>('.tag-row[data-tag="1.5"] input'), true);
    expect(compareButton.disabled).toBe(false);
    compareButton.click();
    expect(compare).toHaveBeenCalledWith(`registry://${HOST}/team/app:1.4`, `registry://${HOST}/team/app:1.5`);
  });

  it("names the tags it could not read, and those listed without details", async () => {
    answer("registry_tags", {
      ...TAGS,
      list: { ...TAGS.list, unread: [{ tag: "chart", reason: "127.0.0.1:5000: unsupported media type" }], rest: ["0.9", "0.8"] },
    });
    await view.refresh();
    find<HTMLButtonElement>(`.registry-item[data-host="${HOST}"]`).click();
    await settle();
    find<HTMLButtonElement>('.repository-item[data-repository="team/app"]').click();
    await settle();
    expect(texts("#registries-view .tag-row:not(.head) .tag-name")).toEqual(["1.4", "1.5"]);
    expect(text("#registries-view .unread-tag")).toBe("chart: not read — 127.0.0.1:5000: unsupported media type");
    expect(texts("#registries-view p.muted")).toContain("2 more tags, without details: 0.9, 0.8");
  });

  it("pulls a tag with a bar per layer, then says the daemon's copy is the registry's", async () => {
    await view.refresh();
    find<HTMLButtonElement>(`.registry-item[data-host="${HOST}"]`).click();
    await settle();
    find<HTMLButtonElement>('.repository-item[data-repository="team/app"]').click();
    await settle();
    let finish: (state: PullState) => void = () => undefined;
    answer("registry_pull", () => new Promise<PullState>((resolve) => (finish = resolve)));
    find<HTMLButtonElement>('.tag-row[data-tag="1.5"] button[data-action="pull"]').click();
    await settle();
    expect(callsOf("registry_pull")[0].reference).toBe(`${HOST}/team/app:1.5`);
    channelOf<PullState>("registry_pull", "onProgress").onmessage({
      layers: [
        { layer: "aaaaaaaaaaaa", status: "Downloading", current: 512, total: 2048 },
        { layer: "bbbbbbbbbbbb", status: "Waiting", current: 0, total: null },
      ],
      status: "Pulling from team/app",
    });
    expect(texts("#pull-panel .pull-row code")).toEqual(["aaaaaaaaaaaa", "bbbbbbbbbbbb"]);
    expect(find<HTMLProgressElement>("#pull-panel .pull-row progress").value).toBe(512);
    answer("registry_tags", { ...TAGS, here: [{ kind: "same" }, { kind: "same" }] });
    finish({ layers: [{ layer: "aaaaaaaaaaaa", status: "Pull complete", current: 0, total: 2048 }], status: "Status: Downloaded newer image" });
    await settle();
    expect(byId("pull-panel").dataset.state).toBe("done");
    expect(text("#pull-panel .pull-status")).toBe("Status: Downloaded newer image");
    expect(text("#pull-panel strong")).toMatch(/^Pulled /);
    expect(texts("#registries-view .tag-row:not(.head) .here")).toEqual(["same", "same"]);
  });

  it("pushes a local image as a tag of the registry, the registry's lines shown", async () => {
    await view.refresh();
    find<HTMLButtonElement>(`.registry-item[data-host="${HOST}"]`).click();
    await settle();
    let finish: (value: unknown) => void = () => undefined;
    answer("registry_push", () => new Promise((resolve) => (finish = resolve)));
    type(byId<HTMLInputElement>("push-image"), "app:dev");
    type(byId<HTMLInputElement>("push-target"), "team/app:1.6");
    byId<HTMLButtonElement>("push-submit").click();
    await settle();
    expect(callsOf("registry_push")[0]).toMatchObject({ image: "app:dev", target: `${HOST}/team/app:1.6` });
    channelOf<string>("registry_push", "onStatus").onmessage("Pushed");
    expect(text("#pull-panel .push-lines")).toBe("Pushed");
    finish({ reference: `${HOST}/team/app:1.6`, digest: "sha256:abc" });
    await settle();
    expect(byId("pull-panel").dataset.state).toBe("pushed");
    expect(text("#pull-panel .pull-status")).toBe("Pushed: sha256:abc");
    expect(callsOf("registry_tags").slice(-1)).toEqual([{ repository: `${HOST}/team/app` }]);
    // The repositories are read again: a push may have made a new one.
    expect(callsOf("registry_repositories")).toHaveLength(2);
  });

  it("asks for a sign-in when the registry refuses, and never keeps the password", async () => {
    fail("registry_repositories", { code: "registry-failed", message: `${HOST} refused the sign-in: unauthorized`, hint: "Sign in with `docker login`" });
    await view.refresh();
    find<HTMLButtonElement>(`.registry-item[data-host="${HOST}"]`).click();
    await settle();
    expect(isHidden(byId("sign-in"))).toBe(false);
    answer("registry_sign_in", { host: HOST, saved_in: "/home/u/.docker/config.json" });
    answer("registry_repositories", { names: ["team/app"], cut: false });
    type(byId<HTMLInputElement>("sign-in-user"), "ci");
    type(byId<HTMLInputElement>("sign-in-password"), "s3cret");
    byId<HTMLButtonElement>("sign-in-submit").click();
    await settle();
    expect(callsOf("registry_sign_in")).toEqual([{ host: HOST, username: "ci", password: "s3cret" }]);
    expect(byId<HTMLInputElement>("sign-in-password").value).toBe("");
    expect(isHidden(byId("sign-in"))).toBe(true);
    expect(text("#registries-view .registry-status")).toContain("saved in /home/u/.docker/config.json");
  });

  it("adds a registry by its address and says when none is known", async () => {
    answer("registries_known", []);
    await view.refresh();
    expect(text("#registries-view .registry-list")).toContain("No registry yet");
    answer("registry_add", [{ host: "ghcr.io", signed_in: false, insecure: false }]);
    type(byId<HTMLInputElement>("registry-add"), "https://ghcr.io/");
    byId<HTMLButtonElement>("registry-add-button").click();
    await settle();
    expect(callsOf("registry_add")).toEqual([{ host: "https://ghcr.io/" }]);
    expect(callsOf("registry_repositories")).toEqual([{ host: "ghcr.io" }]);
    expect(view.element.dataset.host).toBe("ghcr.io");
  });
});
