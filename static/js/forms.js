// Small helpers for forms, each optional: without a script every form still works.

// "Copy last quarter's commentary": add it after what the officer has typed, never over it.
function initCopyButtons() {
  for (const button of document.querySelectorAll("[data-copy-into]")) {
    button.addEventListener("click", (event) => {
      const target = document.getElementById(button.dataset.copyInto);
      if (!target) return;
      event.preventDefault();
      const typed = target.value.replace(/\s+$/, "");
      const earlier = button.dataset.copyText || "";
      target.value = typed && earlier ? `${typed}\n\n${earlier}` : typed || earlier;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
      const status = document.getElementById(`${button.dataset.copyInto}-copied`);
      if (status) status.textContent = "Last quarter's commentary added to the box.";
    });
  }
}

// A warning before leaving a form with changes that are not saved.
function initUnsavedWarnings() {
  for (const form of document.querySelectorAll("form[data-warn-unsaved]")) {
    const snapshot = () => new URLSearchParams(new FormData(form)).toString();
    // A form shown again after a refused save holds what was typed and is not saved yet.
    const saved = "unsaved" in form.dataset ? null : snapshot();
    let submitting = false;
    form.addEventListener("submit", () => {
      submitting = true;
    });
    window.addEventListener("beforeunload", (event) => {
      if (submitting || snapshot() === saved) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }
}

export function initForms() {
  initCopyButtons();
  initUnsavedWarnings();
}
