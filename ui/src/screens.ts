// The screens, in the sidebar's order. A new screen is its view's file and one entry here: the
// window (main.ts) draws a nav button for each, lays their views out in this order and binds
// Ctrl+1, Ctrl+2, … to them in this order; the shortcut table (shortcuts.ts) names them from here.
import type { LiveState } from "./api";
import { CleanupView } from "./cleanup-view";
import { ContainersView } from "./containers-view";
import { DiffView } from "./diff-view";
import { ImagesView } from "./images-view";
import { LayersView } from "./layers-view";
import { ProjectsView } from "./projects-view";
import { RegistriesView } from "./registries-view";

/** What the window needs of a screen's view. */
export interface ScreenView {
  readonly element: HTMLElement;
  /** Draws the screen again: when it is shown, and when the daemon's contents change. */
  refresh(): Promise<void>;
}

/** What a screen may use of the window. */
export interface ScreenContext {
  /** Shows a problem in the window's toast: what happened, and what to do about it. */
  report: (message: string, hint?: string) => void;
  /** Shows a screen, as its nav button does. */
  show: (id: ScreenId) => void;
  /** Another screen's view: for handlers, which run once every screen is made. */
  view: <Id extends ScreenId>(id: Id) => ViewOf<Id>;
}

export interface Screen<Id extends string, V extends ScreenView> {
  /** Names the screen's elements: `nav-<id>`, `count-<id>`. */
  readonly id: Id;
  /** The nav button's text, and the screen's name on the shortcut sheet. */
  readonly label: string;
  create(context: ScreenContext): V;
  /** What Ctrl+N does once it has shown the screen (a click on the nav button only shows it). */
  focus?(view: V): void;
  /** The figure on its nav button, from the daemon's live state; none without it. */
  count?(state: LiveState): number;
  /** What it takes from the daemon's live state, which changes before it is drawn again. */
  follow?(view: V, state: LiveState): void;
}

const screen = <Id extends string, V extends ScreenView>(spec: Screen<Id, V>): Screen<Id, V> => spec;

export const SCREENS = [
  screen({
    id: "images",
    label: "Images",
    create: ({ show, view }) =>
      new ImagesView(
        (reference) => {
          show("layers");
          void view("layers").open(reference);
        },
        (reference) => {
          show("diff");
          void view("diff").startFrom(reference);
        },
      ),
    count: (state) => state.image_count,
    follow: (images, state) => images.setTotal(state.image_count, state.status.kind === "connected"),
  }),
  screen({
    id: "containers",
    label: "Containers",
    create: ({ report, show, view }) =>
      new ContainersView(report, (reference) => {
        show("layers");
        void view("layers").open(reference);
      }),
    count: (state) => state.container_count,
  }),
  screen({
    id: "layers",
    label: "Layers",
    create: ({ report }) => new LayersView(report),
    focus: (layers) => {
      if (!layers.element.dataset.image) layers.focusSource();
    },
  }),
  screen({ id: "diff", label: "Diff", create: ({ report }) => new DiffView(report), focus: (diff) => diff.focus() }),
  screen({ id: "projects", label: "Projects", create: ({ report }) => new ProjectsView(report), focus: (projects) => projects.focus() }),
  screen({ id: "cleanup", label: "Cleanup", create: ({ report }) => new CleanupView(report), focus: (cleanup) => cleanup.focus() }),
  screen({
    id: "registries",
    label: "Registries",
    create: ({ report, show, view }) =>
      new RegistriesView(
        report,
        (reference) => {
          show("layers");
          void view("layers").open(reference);
        },
        (before, after) => {
          show("diff");
          void view("diff").comparePair(before, after);
        },
      ),
    focus: (registries) => registries.focus(),
  }),
] as const;

export type ScreenId = (typeof SCREENS)[number]["id"];

/** The view class of screen `Id`. */
export type ViewOf<Id extends ScreenId> = ReturnType<Extract<(typeof SCREENS)[number], { id: Id }>["create"]>;
