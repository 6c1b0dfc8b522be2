// The window: a sidebar with the screens, the daemon bar, and the current screen. It subscribes
// to the backend's live state and asks the screens to redraw when the daemon's contents change.
// The screens are the list in screens.ts, and the window-wide keys the table in shortcuts.ts.
import { clearOrLeave, withCode } from "./dom";
import { api, asUiError, LiveState } from "./api";
import { ConnectionView } from "./connection-view";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { Screen, ScreenContext, ScreenId, SCREENS, ScreenView, ViewOf } from "./screens";
import { shortcutsDialog } from "./dialog";
import { globalAction, screenIndex, screenKeys, SHORTCUTS } from "./shortcuts";
import { applyTheme, nextTheme, savedTheme, themeButton } from "./theme";

const connection = new ConnectionView((message, hint) => showProblem(message, hint));
const toast = document.createElement("div");
toast.className = "toast";
toast.hidden = true;
/** The screens in the sidebar's order, each taking any view (its own, `views[screen.id]`). */
const screens: readonly Screen<ScreenId, ScreenView>[] = SCREENS;
/** Every screen's view, by id. */
const views = {} as { [Id in ScreenId]: ViewOf<Id> };
const context: ScreenContext = { report: showProblem, show, view: (id) => views[id] };
for (const screen of screens) (views as Record<ScreenId, ScreenView>)[screen.id] = screen.create(context);
const navs = new Map(screens.map((screen, index) => [screen.id, navButton(screen.label, screen.id, screenKeys(index))]));
let current: ScreenId = screens[0].id;

function navButton(label: string, screen: ScreenId, shortcut: string): HTMLButtonElement {
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

function show(screen: ScreenId): void {
  current = screen;
  for (const { id } of screens) {
    views[id].element.hidden = id !== screen;
    navs.get(id)!.classList.toggle("active", id === screen);
  }
  void views[screen].refresh().catch(reportError);
}

/** Ctrl+N: shows the Nth screen, which may then take the focus (Layers its image field…). */
function showByKey(index: number): void {
  const screen = screens[index];
  if (!screen) return;
  show(screen.id);
  screen.focus?.(views[screen.id]);
}

function showProblem(message: string, hint = ""): void {
  toast.replaceChildren(withCode("span", "", hint ? `${message} — ${hint}` : message));
  toast.hidden = false;
  window.clearTimeout(Number(toast.dataset.timer));
  toast.dataset.timer = String(window.setTimeout(() => (toast.hidden = true), 8000));
}

/** A failed command, told with what to do about it. */
function reportError(error: unknown): void {
  const problem = asUiError(error);
  showProblem(problem.message, problem.hint);
}

function onState(state: LiveState): void {
  connection.show(state);
  for (const screen of screens) {
    screen.follow?.(views[screen.id], state);
    if (screen.count) document.getElementById(`count-${screen.id}`)!.textContent = String(screen.count(state));
  }
  document.body.dataset.connection = state.status.kind;
  document.body.dataset.endpoint = state.status.endpoint.name;
  void views[current].refresh().catch(reportError);
}

function onKey(event: KeyboardEvent): void {
  const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
  const action = globalAction(event, typing);
  if (action === null) return;
  if (action === "sheet" && document.getElementById("shortcut-sheet")) return;
  if (action !== "leave-field" && !action.startsWith("screen-")) event.preventDefault();
  const screen = screenIndex(action);
  if (screen !== null) return showByKey(screen);
  switch (action) {
    case "open-archive":
      show("layers");
      return void views.layers.openArchive();
    case "theme":
      applyTheme(nextTheme(savedTheme()));
      themeSwitch.replaceWith((themeSwitch = themeButton()));
      return;
    case "sheet":
      return shortcutsDialog(SHORTCUTS);
    case "search":
      if (current === "layers") return views.layers.focusSearch();
      show("images");
      return views.images.focusFilter();
    case "leave-field":
      // WebKit empties a search field on Escape without telling the page; this does both.
      if (clearOrLeave(event.target as HTMLElement)) event.preventDefault();
      return;
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
  sidebar.append(brand, ...screens.map((screen) => navs.get(screen.id)!), themeSwitch, help);
  const main = document.createElement("main");
  main.append(connection.bar, connection.banner, ...screens.map((screen) => views[screen.id].element), toast, dropOverlay);
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
        for (const path of payload.paths) void views.projects.add(path, true);
      }
    })
    .catch(reportError);
}

applyTheme(savedTheme());
layout();
listenForDrops();
show(screens[0].id);
void connection.load().catch(reportError);
api.watchState(onState);
