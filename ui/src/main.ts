// The window: a sidebar with the screens, the daemon bar, and the current screen. It subscribes
// to the backend's live state and asks the screens to redraw when the daemon's contents change.
import { api, LiveState } from "./api";
import { CleanupView } from "./cleanup-view";
import { ConnectionView } from "./connection-view";
import { ContainersView } from "./containers-view";
import { DiffView } from "./diff-view";
import { ImagesView } from "./images-view";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { LayersView } from "./layers-view";
import { ProjectsView } from "./projects-view";
import { shortcutsDialog } from "./dialog";
import { globalAction, SHORTCUTS } from "./shortcuts";
import { applyTheme, nextTheme, savedTheme, themeButton } from "./theme";

type Screen = "images" | "containers" | "layers" | "diff" | "projects" | "cleanup";

const connection = new ConnectionView();
const toast = document.createElement("div");
toast.className = "toast";
toast.hidden = true;
const images = new ImagesView(
  (reference) => {
    show("layers");
    void layers.open(reference);
  },
  (reference) => {
    show("diff");
    void diff.startFrom(reference);
  },
);
const containers = new ContainersView(showProblem);
const layers = new LayersView(showProblem);
const diff = new DiffView(showProblem);
const projects = new ProjectsView(showProblem);
const cleanup = new CleanupView(showProblem);
const screens: Record<Screen, { view: { element: HTMLElement; refresh(): Promise<void> }; nav: HTMLButtonElement }> = {
  images: { view: images, nav: navButton("Images", "images", "Ctrl+1") },
  containers: { view: containers, nav: navButton("Containers", "containers", "Ctrl+2") },
  layers: { view: layers, nav: navButton("Layers", "layers", "Ctrl+3") },
  diff: { view: diff, nav: navButton("Diff", "diff", "Ctrl+4") },
  projects: { view: projects, nav: navButton("Projects", "projects", "Ctrl+5") },
  cleanup: { view: cleanup, nav: navButton("Cleanup", "cleanup", "Ctrl+6") },
};
let current: Screen = "images";

function navButton(label: string, screen: Screen, shortcut: string): HTMLButtonElement {
  const button = document.createElement("button");
  button.className = "nav";
  button.id = `nav-${screen}`;
  button.title = `${label} (${shortcut})`;
  const name = document.createElement("span");
  name.textContent = label;
  const count = document.createElement("span");
  count.className = "count";
  count.id = `count-${screen}`;
  button.append(name, count);
  button.addEventListener("click", () => show(screen));
  return button;
}

function show(screen: Screen): void {
  current = screen;
  for (const [name, { view, nav }] of Object.entries(screens)) {
    view.element.hidden = name !== screen;
    nav.classList.toggle("active", name === screen);
  }
  void screens[screen].view.refresh().catch(reportError);
}

function showProblem(message: string, hint = ""): void {
  toast.textContent = hint ? `${message} — ${hint}` : message;
  toast.hidden = false;
  window.clearTimeout(Number(toast.dataset.timer));
  toast.dataset.timer = String(window.setTimeout(() => (toast.hidden = true), 8000));
}

function reportError(error: unknown): void {
  showProblem(String((error as { message?: string }).message ?? error));
}

function onState(state: LiveState): void {
  connection.show(state);
  images.setTotal(state.image_count, state.status.kind === "connected");
  document.getElementById("count-images")!.textContent = String(state.image_count);
  document.getElementById("count-containers")!.textContent = String(state.container_count);
  document.body.dataset.connection = state.status.kind;
  document.body.dataset.endpoint = state.status.endpoint.name;
  void screens[current].view.refresh().catch(reportError);
}

function onKey(event: KeyboardEvent): void {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  const action = globalAction(event, typing);
  if (action === null) return;
  if (action === "sheet" && document.getElementById("shortcut-sheet")) return;
  if (action !== "leave-field" && !action.startsWith("screen-")) event.preventDefault();
  switch (action) {
    case "screen-1":
      return show("images");
    case "screen-2":
      return show("containers");
    case "screen-3":
      show("layers");
      if (!layers.element.dataset.image) layers.focusSource();
      return;
    case "screen-4":
      show("diff");
      return diff.focus();
    case "screen-5":
      show("projects");
      return projects.focus();
    case "screen-6":
      show("cleanup");
      return cleanup.focus();
    case "open-archive":
      show("layers");
      return void layers.openArchive();
    case "theme":
      applyTheme(nextTheme(savedTheme()));
      themeSwitch.replaceWith((themeSwitch = themeButton()));
      return;
    case "sheet":
      return shortcutsDialog(SHORTCUTS);
    case "search":
      if (current === "layers") return layers.focusSearch();
      show("images");
      return images.focusFilter();
    case "leave-field":
      return (event.target as HTMLElement).blur();
  }
}

function layout(): void {
  const app = document.getElementById("app")!;
  const sidebar = document.createElement("nav");
  sidebar.className = "sidebar";
  const brand = document.createElement("div");
  brand.className = "brand";
  brand.textContent = "Strata";
  const help = document.createElement("button");
  help.className = "nav help-button";
  help.id = "shortcuts-button";
  help.textContent = "Keyboard shortcuts (?)";
  help.addEventListener("click", () => shortcutsDialog(SHORTCUTS));
  sidebar.append(brand, screens.images.nav, screens.containers.nav, screens.layers.nav, screens.diff.nav, screens.projects.nav, screens.cleanup.nav, themeSwitch, help);
  const main = document.createElement("main");
  main.append(connection.bar, connection.banner, images.element, containers.element, layers.element, diff.element, projects.element, cleanup.element, toast, dropOverlay);
  app.append(sidebar, main);
  document.addEventListener("keydown", onKey);
}

let themeSwitch = themeButton();

/** Folders and Dockerfiles dropped on the window become projects, built at once. */
const dropOverlay = document.createElement("div");
dropOverlay.className = "drop-overlay";
dropOverlay.id = "drop-overlay";
dropOverlay.textContent = "Drop a project folder or a Dockerfile to build it";
dropOverlay.hidden = true;

function listenForDrops(): void {
  void getCurrentWebview()
    .onDragDropEvent((event) => {
      const payload = event.payload;
      dropOverlay.hidden = !(payload.type === "enter" || payload.type === "over");
      if (payload.type === "drop") {
        show("projects");
        for (const path of payload.paths) void projects.add(path, true);
      }
    })
    .catch(reportError);
}

applyTheme(savedTheme());
layout();
listenForDrops();
show("images");
void connection.load().catch(reportError);
api.watchState(onState);
