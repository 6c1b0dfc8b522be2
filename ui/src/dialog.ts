// A modal question with a default of "no", for actions that destroy something.

export function confirmDialog(title: string, body: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const backdrop = document.createElement("div");
    backdrop.className = "backdrop";
    const dialog = document.createElement("div");
    dialog.className = "dialog";
    dialog.setAttribute("role", "alertdialog");
    const heading = document.createElement("h2");
    heading.textContent = title;
    const text = document.createElement("p");
    text.textContent = body;
    const cancel = document.createElement("button");
    cancel.textContent = "Cancel";
    const confirm = document.createElement("button");
    confirm.textContent = confirmLabel;
    confirm.className = "danger";
    confirm.id = "confirm-action";
    const buttons = document.createElement("div");
    buttons.className = "dialog-buttons";
    buttons.append(cancel, confirm);
    dialog.append(heading, text, buttons);
    backdrop.appendChild(dialog);
    const close = (answer: boolean) => {
      backdrop.remove();
      document.removeEventListener("keydown", onKey, true);
      resolve(answer);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        close(false);
      }
    };
    cancel.addEventListener("click", () => close(false));
    confirm.addEventListener("click", () => close(true));
    document.addEventListener("keydown", onKey, true);
    document.body.appendChild(backdrop);
    cancel.focus();
  });
}
