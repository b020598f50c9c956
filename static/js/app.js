// Loaded as a module from every page (no inline script, so a strict CSP holds).
import { initAll } from "./govuk-frontend.min.js";
import { initForms } from "./forms.js";
import { initAutocomplete } from "./autocomplete.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initForms();
initAutocomplete();

// "Select all on this page" for a table of tick boxes (data-select-all names the boxes).
// Added by script: without it, each row still has its own tick box.
for (const table of document.querySelectorAll("[data-select-all]")) {
  const boxes = [...table.querySelectorAll(`input[type="checkbox"][name="${table.dataset.selectAll}"]`)];
  if (boxes.length < 2) continue;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-3";
  const relabel = () => {
    button.textContent = boxes.every((box) => box.checked)
      ? "Clear all on this page"
      : "Select all on this page";
  };
  button.addEventListener("click", () => {
    const tick = !boxes.every((box) => box.checked);
    for (const box of boxes) box.checked = tick;
    relabel();
  });
  for (const box of boxes) box.addEventListener("change", relabel);
  relabel();
  table.before(button);
}
