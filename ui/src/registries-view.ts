// The Registries screen: the registries the user works with (the docker config's, and those added
// here), a registry's repositories, a repository's tags with their platforms and sizes, and from a
// tag: open it in Layers, or compare two tags in Diff. Signing in is checked by the registry, then
// saved where the docker CLI keeps sign-ins. The engine reads and computes; this file draws.
import { KnownRegistry, LocalCopy, PullState, RegistryTags, TagDetails, asUiError, registryApi } from "./api";
import { button, element, withCode } from "./dom";
import { counted, formatAgo, formatSize } from "./format";

/** What a tag's images are, in a few words: "linux/amd64, linux/arm64 · 1 attestation". */
export function platformsText(tag: TagDetails): string {
  const platforms = tag.images.map((image) => image.platform || "platform not given").join(", ");
  if (tag.attestations === 0) return platforms;
  return `${platforms} · ${tag.attestations} attestation${tag.attestations === 1 ? "" : "s"}`;
}

/** How the daemon's copy of a tag compares with the registry's, in a few words. */
export function localText(copy: LocalCopy | undefined): string {
  if (!copy) return "";
  switch (copy.kind) {
    case "absent":
      return "not here";
    case "same":
      return "same";
    case "differs":
      return copy.layers === 0 ? "another image" : `differs by ${counted(copy.layers, "layer")}`;
  }
}

/** A tag's compressed size: one figure, or the range over its platforms. */
export function sizeText(tag: TagDetails): string {
  const sizes = tag.images.map((image) => image.compressed_bytes);
  if (sizes.length === 0) return "";
  const [least, most] = [Math.min(...sizes), Math.max(...sizes)];
  return least === most ? formatSize(least) : `${formatSize(least)} – ${formatSize(most)}`;
}

export class RegistriesView {
  readonly element = element("section", "view");
  private readonly list = element("div", "registry-list");
  private readonly addField = element("input");
  private readonly heading = element("h2", "registry-heading");
  private readonly status = element("p", "muted registry-status");
  private readonly signInForm = element("form", "sign-in");
  private readonly user = element("input");
  private readonly password = element("input");
  private readonly repositories = element("div", "repositories");
  private readonly repositoryField = element("input");
  private readonly tags = element("div", "tags");
  private readonly pulling = element("div", "pulling");
  private readonly pushForm = element("form", "push");
  private readonly pushImage = element("input");
  private readonly pushTarget = element("input");
  private readonly compareButton: HTMLButtonElement;
  private host: string | null = null;
  private repository: string | null = null;
  private readonly picked = new Set<string>();

  /** `explore` opens a reference in Layers; `compare` compares two in Diff. */
  constructor(
    private readonly report: (message: string, hint?: string) => void,
    private readonly explore: (reference: string) => void,
    private readonly compare: (before: string, after: string) => void,
  ) {
    this.element.id = "registries-view";
    const side = element("aside", "registry-side");
    this.addField.id = "registry-add";
    this.addField.placeholder = "Add a registry: host[:port]";
    this.addField.title = "Write http://host[:port] for a registry without TLS (marked insecure)";
    this.addField.addEventListener("keydown", (event) => {
      if (event.key === "Enter") void this.add();
    });
    side.append(element("div", "label", "Registries"), this.list, this.addField, button("Add", "registry-add-button", () => void this.add()));

    const main = element("div", "registry-main");
    this.buildSignIn();
    this.repositoryField.id = "repository-field";
    this.repositoryField.placeholder = "Repository (team/app), for a registry that does not list them";
    this.repositoryField.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && this.host && this.repositoryField.value.trim()) void this.openRepository(this.repositoryField.value.trim());
    });
    this.compareButton = button("Compare the two picked tags", "compare-tags", () => this.comparePicked());
    this.compareButton.disabled = true;
    const header = element("div", "registry-header");
    header.append(this.heading, button("Sign in…", "sign-in-open", () => this.showSignIn(true)));
    this.pulling.id = "pull-panel";
    this.pulling.hidden = true;
    this.buildPush();
    main.append(header, this.status, this.signInForm, this.repositoryField, this.repositories, this.compareButton, this.tags, this.pushForm, this.pulling);
    this.element.append(side, main);
    this.showRegistry(null);
  }

  /** Lists the registries again. */
  async refresh(): Promise<void> {
    try {
      this.drawList(await registryApi.known());
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  focus(): void {
    void this.refresh();
    (this.host ? this.repositoryField : this.addField).focus();
  }

  private drawList(registries: KnownRegistry[]): void {
    this.list.replaceChildren();
    if (registries.length === 0) {
      this.list.append(element("p", "muted empty", "No registry yet: add one by its address (127.0.0.1:5000, ghcr.io)."));
      return;
    }
    for (const registry of registries) {
      const item = button(registry.host, "", () => void this.openRegistry(registry.host));
      item.removeAttribute("id");
      item.className = "registry-item";
      item.dataset.host = registry.host;
      item.classList.toggle("selected", registry.host === this.host);
      if (registry.signed_in) item.append(element("span", "muted", " · signed in"));
      if (registry.insecure) item.append(element("span", "muted", " · plain HTTP"));
      this.list.append(item);
    }
  }

  private async add(): Promise<void> {
    const host = this.addField.value.trim();
    if (!host) return;
    try {
      this.drawList(await registryApi.add(host));
      this.addField.value = "";
      await this.openRegistry(host.replace(/^https?:\/\//, "").replace(/\/+$/, ""));
    } catch (error) {
      const problem = asUiError(error);
      this.report(problem.message, problem.hint);
    }
  }

  private showRegistry(host: string | null): void {
    this.host = host;
    this.repository = null;
    this.picked.clear();
    this.heading.textContent = host ?? "No registry chosen";
    this.element.dataset.host = host ?? "";
    this.repositories.replaceChildren();
    this.tags.replaceChildren();
    this.repositoryField.hidden = host === null;
    this.pushForm.hidden = host === null;
    this.compareButton.hidden = true;
    this.showSignIn(false);
    this.status.textContent = host ? "" : "Choose a registry on the left, or add one.";
    for (const item of this.list.querySelectorAll<HTMLElement>(".registry-item")) item.classList.toggle("selected", item.dataset.host === host);
  }

  private async openRegistry(host: string): Promise<void> {
    this.showRegistry(host);
    await this.listRepositories(host);
  }

  /** Reads the registry's repositories into the list (again after a push, which may add one). */
  private async listRepositories(host: string): Promise<void> {
    this.status.textContent = `Asking ${host} for its repositories…`;
    try {
      const listed = await registryApi.repositories(host);
      if (this.host !== host) return;
      this.status.textContent = listed.names.length === 0 ? "It lists no repository: type one above." : listed.cut ? `The first ${listed.names.length} repositories; the registry has more.` : counted(listed.names.length, "repository", "repositories");
      this.repositories.replaceChildren(
        ...listed.names.map((name) => {
          const item = element("button", "repository-item", name);
          item.dataset.repository = name;
          item.addEventListener("click", () => void this.openRepository(name));
          return item;
        }),
      );
    } catch (error) {
      if (this.host !== host) return;
      const problem = asUiError(error);
      this.status.replaceChildren(withCode("span", "", `${problem.message} ${problem.hint}`));
      // A registry that wants a sign-in: the form is shown at once.
      if (problem.message.includes("refused the sign-in")) this.showSignIn(true);
    }
  }

  private async openRepository(name: string): Promise<void> {
    if (!this.host) return;
    const repository = `${this.host}/${name}`;
    this.repository = repository;
    this.picked.clear();
    for (const item of this.repositories.querySelectorAll<HTMLElement>(".repository-item")) item.classList.toggle("selected", item.dataset.repository === name);
    this.tags.replaceChildren(element("p", "muted", `Reading the tags of ${name}…`));
    try {
      const list = await registryApi.tags(repository);
      if (this.repository === repository) this.drawTags(repository, list);
    } catch (error) {
      if (this.repository !== repository) return;
      const problem = asUiError(error);
      this.tags.replaceChildren(withCode("p", "problem", `${problem.message} ${problem.hint}`));
    }
  }

  private drawTags(repository: string, { list, here }: RegistryTags): void {
    this.element.dataset.repository = repository;
    const rows = element("div", "tag-rows");
    const head = element("div", "tag-row head");
    for (const title of ["", "Tag", "Digest", "Platforms", "Compressed", "Created", "Here", ""]) head.append(element("span", "", title));
    head.children[6].setAttribute("title", "The daemon's copy of the tag: the same image, or how many layers differ");
    rows.append(head);
    for (const [index, tag] of list.tags.entries()) {
      const reference = `registry://${repository}:${tag.tag}`;
      const row = element("div", "tag-row");
      row.dataset.tag = tag.tag;
      const pick = element("input");
      pick.type = "checkbox";
      pick.title = "Pick two tags to compare them";
      pick.addEventListener("change", () => this.pick(reference, pick.checked));
      const open = button("Layers", "", () => this.explore(reference), `Open ${tag.tag} in the Layers screen`);
      open.removeAttribute("id");
      open.dataset.action = "layers";
      const pull = button("Pull", "", () => void this.pull(repository, tag.tag), `Pull ${tag.tag} into the daemon`);
      pull.removeAttribute("id");
      pull.dataset.action = "pull";
      const actions = element("span", "tag-actions");
      actions.append(pull, open);
      const platforms = element("span", "", platformsText(tag));
      platforms.title = platformsText(tag);
      // "3 days ago", as every other screen says it; the date and time in the tooltip. A date
      // before 1990 is a placeholder (reproducible builds set 1970 or year 1): shown as written.
      const when = tag.images[0]?.created ?? "";
      const made = Date.parse(when);
      const placeholder = made < Date.UTC(1990, 0, 1);
      const created = element("span", "muted", Number.isNaN(made) ? "" : placeholder ? when.slice(0, 10) : formatAgo(made / 1000));
      created.title = when.slice(0, 19).replace("T", " ");
      const digest = element("code", "", tag.digest.replace("sha256:", "").slice(0, 12));
      digest.title = tag.digest;
      row.append(
        pick,
        element("span", "tag-name", tag.tag),
        digest,
        platforms,
        element("span", "number", sizeText(tag)),
        created,
        element("span", `here ${here?.[index]?.kind ?? "unknown"}`, here ? localText(here[index]) : "no daemon"),
        actions,
      );
      rows.append(row);
    }
    const notes: HTMLElement[] = [];
    if (list.tags.length === 0) notes.push(element("p", "muted", "No tags."));
    for (const unread of list.unread) {
      const note = element("p", "muted unread-tag", `${unread.tag}: not read — ${unread.reason}`);
      note.title = unread.reason;
      notes.push(note);
    }
    if (list.rest.length > 0) notes.push(element("p", "muted", `${list.rest.length} more tags, without details: ${list.rest.slice(0, 50).join(", ")}${list.rest.length > 50 ? "…" : ""}`));
    if (list.cut) notes.push(element("p", "muted", "The registry has more tags than Strata asked for."));
    this.tags.replaceChildren(rows, ...notes);
    this.compareButton.hidden = list.tags.length < 2;
    this.updateCompare();
  }

  /** Pulls a tag into the daemon, a bar per layer, then reads the tags again (Here changes). */
  private async pull(repository: string, tag: string): Promise<void> {
    const reference = `${repository}:${tag}`;
    this.pulling.hidden = false;
    this.pulling.dataset.state = "pulling";
    this.drawPull(reference, { layers: [], status: "Asking the daemon to pull…" });
    try {
      const done = await registryApi.pull(reference, (state) => this.drawPull(reference, state));
      this.drawPull(reference, done, true);
      this.pulling.dataset.state = "done";
      if (this.repository === repository) this.drawTags(repository, await registryApi.tags(repository));
    } catch (error) {
      const problem = asUiError(error);
      this.pulling.dataset.state = "failed";
      this.pulling.append(withCode("p", "problem", `${problem.message} ${problem.hint}`));
    }
  }

  private drawPull(reference: string, state: PullState, finished = false): void {
    const rows = state.layers.map((layer) => {
      const row = element("div", "pull-row");
      const bar = element("progress");
      if (layer.total) {
        bar.max = layer.total;
        bar.value = Math.min(layer.current, layer.total);
      } else if (layer.status.includes("complete") || layer.status.includes("exists")) {
        bar.max = 1;
        bar.value = 1;
      }
      row.append(element("code", "", layer.layer), bar, element("span", "muted", layer.status));
      return row;
    });
    this.pulling.replaceChildren(element("strong", "", `${finished ? "Pulled" : "Pulling"} ${reference}`), ...rows, element("p", "muted pull-status", state.status));
  }

  private buildPush(): void {
    this.pushForm.id = "push-form";
    this.pushImage.id = "push-image";
    this.pushImage.placeholder = "Local image (name:tag or id)";
    this.pushTarget.id = "push-target";
    this.pushTarget.placeholder = "as repository:tag (team/app:1)";
    const submit = element("button", "small", "Push");
    submit.type = "submit";
    submit.id = "push-submit";
    this.pushForm.append(element("span", "label", "Push a local image here"), this.pushImage, this.pushTarget, submit);
    this.pushForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.push();
    });
  }

  /** Tags a local image for this registry and pushes it, the registry's lines shown as they come. */
  private async push(): Promise<void> {
    const host = this.host;
    const [image, target] = [this.pushImage.value.trim(), this.pushTarget.value.trim()];
    if (!host || !image || !target) return;
    const reference = `${host}/${target}`;
    const lines: string[] = [];
    const draw = () => this.pulling.replaceChildren(element("strong", "", `Pushing ${image} as ${reference}`), element("pre", "push-lines", lines.slice(-8).join("\n")));
    this.pulling.hidden = false;
    this.pulling.dataset.state = "pushing";
    draw();
    try {
      const pushed = await registryApi.push(image, reference, (line) => {
        lines.push(line);
        draw();
      });
      this.pulling.dataset.state = "pushed";
      this.pulling.append(element("p", "muted pull-status", `Pushed${pushed.digest ? `: ${pushed.digest}` : ""}`));
      const repository = reference.replace(/:[^:/]+$/, "");
      // Another registry chosen meanwhile keeps the screen.
      if (this.host !== host) return;
      await this.listRepositories(host);
      await this.openRepository(repository.slice(host.length + 1));
    } catch (error) {
      const problem = asUiError(error);
      this.pulling.dataset.state = "failed";
      this.pulling.append(withCode("p", "problem", `${problem.message} ${problem.hint}`));
    }
  }

  private pick(reference: string, picked: boolean): void {
    if (picked) this.picked.add(reference);
    else this.picked.delete(reference);
    this.updateCompare();
  }

  private updateCompare(): void {
    this.compareButton.disabled = this.picked.size !== 2;
    this.compareButton.title = this.picked.size === 2 ? "" : "Tick two tags first";
  }

  private comparePicked(): void {
    const [before, after] = [...this.picked];
    if (before && after) this.compare(before, after);
  }

  private buildSignIn(): void {
    this.signInForm.id = "sign-in";
    this.user.id = "sign-in-user";
    this.user.placeholder = "User";
    this.user.autocomplete = "username";
    this.password.id = "sign-in-password";
    this.password.type = "password";
    this.password.placeholder = "Password or token";
    this.password.autocomplete = "current-password";
    const submit = element("button", "small", "Sign in");
    submit.type = "submit";
    submit.id = "sign-in-submit";
    const note = element("span", "muted", "Saved where the docker CLI keeps sign-ins (its credential helper, else ~/.docker/config.json).");
    this.signInForm.append(this.user, this.password, submit, button("Cancel", "sign-in-cancel", () => this.showSignIn(false)), note);
    this.signInForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.signIn();
    });
  }

  private showSignIn(shown: boolean): void {
    this.signInForm.hidden = !shown || this.host === null;
    if (!this.signInForm.hidden) this.user.focus();
  }

  private async signIn(): Promise<void> {
    const host = this.host;
    if (!host) return;
    this.status.textContent = `Signing in to ${host}…`;
    try {
      const signed = await registryApi.signIn(host, this.user.value.trim(), this.password.value);
      this.password.value = "";
      this.showSignIn(false);
      await this.refresh();
      await this.openRegistry(host);
      this.status.textContent = `Signed in; saved in ${signed.saved_in}. ${this.status.textContent ?? ""}`;
    } catch (error) {
      const problem = asUiError(error);
      this.status.replaceChildren(withCode("span", "", `${problem.message} ${problem.hint}`));
    }
  }
}
