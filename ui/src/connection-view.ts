// The daemon bar at the top (which endpoint, whether it answers, a picker to switch) and the
// banner that explains a missing daemon: the endpoint tried, the error, and what to do.
import { api, asUiError, EndpointsView, LiveState, Status } from "./api";
import { withCode } from "./dom";

export class ConnectionView {
  readonly bar: HTMLElement;
  readonly banner: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly light: HTMLElement;
  private readonly words: HTMLElement;
  private endpoints: EndpointsView | null = null;
  /** The endpoint the live state says is in use. */
  private inUse: string | null = null;

  /** `report` tells the user why a switch or a rescan failed. */
  constructor(private readonly report: (message: string, hint?: string) => void = () => undefined) {
    this.bar = document.createElement("div");
    this.bar.className = "daemon-bar";
    const label = document.createElement("label");
    label.textContent = "Daemon";
    label.htmlFor = "endpoint-picker";
    this.picker = document.createElement("select");
    this.picker.id = "endpoint-picker";
    this.picker.addEventListener("change", () => void this.select(this.picker.value));
    const rescan = document.createElement("button");
    rescan.className = "small";
    rescan.textContent = "Rescan";
    rescan.title = "Read DOCKER_HOST, docker contexts and Podman sockets again";
    rescan.addEventListener("click", () => void this.rescan());
    this.light = document.createElement("span");
    this.light.className = "light";
    this.words = document.createElement("span");
    this.words.id = "connection-status";
    this.bar.append(label, this.picker, rescan, this.light, this.words);
    this.banner = document.createElement("div");
    this.banner.className = "banner";
    this.banner.id = "daemon-banner";
    this.banner.hidden = true;
  }

  /** Switches to the endpoint `name`; a refusal is told, and the picker goes back. */
  async select(name: string): Promise<void> {
    try {
      await api.selectEndpoint(name);
    } catch (error) {
      const problem = asUiError(error);
      this.report(`Could not switch to ${name}: ${problem.message}`, problem.hint);
      this.picker.value = this.inUse ?? this.endpoints?.selected ?? this.picker.value;
    }
  }

  private async rescan(): Promise<void> {
    try {
      this.showEndpoints(await api.rediscoverEndpoints());
    } catch (error) {
      const problem = asUiError(error);
      this.report(`The daemons could not be looked for again: ${problem.message}`, problem.hint);
    }
  }

  async load(): Promise<void> {
    this.showEndpoints(await api.endpoints());
  }

  showEndpoints(view: EndpointsView): void {
    this.endpoints = view;
    const options = view.endpoints.map((e) => {
      const option = document.createElement("option");
      option.value = e.name;
      option.textContent = `${e.label} — ${e.host || "no address"}${e.name === view.preferred ? " (docker's choice)" : ""}`;
      return option;
    });
    this.picker.replaceChildren(...options);
    this.picker.value = view.selected;
    // The choice's whole text, where the bar is too narrow to show it.
    this.picker.title = this.picker.selectedOptions[0]?.textContent ?? "";
  }

  show(state: LiveState): void {
    const status = state.status;
    this.inUse = status.endpoint.name;
    this.light.className = `light ${status.kind}`;
    this.words.textContent = describe(status);
    // A narrow window cuts the words: the tooltip has them whole, with the address.
    this.words.title = `${this.words.textContent} · ${status.endpoint.host}`;
    if (this.picker.value !== status.endpoint.name && this.endpoints?.endpoints.some((e) => e.name === status.endpoint.name)) {
      this.picker.value = status.endpoint.name;
    }
    this.banner.hidden = status.kind !== "disconnected";
    if (status.kind === "disconnected") this.drawBanner(status);
  }

  private drawBanner(status: Extract<Status, { kind: "disconnected" }>): void {
    const title = document.createElement("h2");
    title.textContent = `No answer from the daemon at ${status.endpoint.host || status.endpoint.name}`;
    const named = status.endpoint.label === status.endpoint.name ? "" : ` (endpoint “${status.endpoint.name}”)`;
    // "DOCKER_HOST, from DOCKER_HOST" says one thing twice.
    const said = status.endpoint.origin === `from ${status.endpoint.label}` ? `Set by ${status.endpoint.label}${named}.` : `${status.endpoint.label}${named}, ${status.endpoint.origin}.`;
    const origin = withCode("p", "muted", said);
    const error = document.createElement("p");
    error.className = "error-text";
    error.textContent = status.error;
    const hint = withCode("p", "", status.hint);
    const retry = document.createElement("p");
    retry.className = "muted";
    retry.textContent = `Trying again every ${status.retry_in_seconds} s (attempt ${status.attempts}). The lists below are as last read.`;
    const others = (this.endpoints?.endpoints ?? []).filter((e) => e.name !== status.endpoint.name);
    const choices = document.createElement("div");
    choices.className = "choices";
    for (const endpoint of others) {
      const button = document.createElement("button");
      button.className = "small";
      button.textContent = `Use ${endpoint.label}`;
      button.title = endpoint.host;
      button.addEventListener("click", () => void this.select(endpoint.name));
      choices.appendChild(button);
    }
    this.banner.replaceChildren(title, origin, error, hint, retry, choices);
  }
}

export function describe(status: Status): string {
  switch (status.kind) {
    case "connecting":
      return `Connecting to ${status.endpoint.label}…`;
    case "connected":
      // The picker beside it names the endpoint and its address.
      return `${status.server.product} ${status.server.version} · API ${status.server.api_version}`;
    case "disconnected":
      return `Disconnected from ${status.endpoint.label} — retrying`;
  }
}
