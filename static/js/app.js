// Loaded as a module from every page (no inline script, so a strict CSP holds).
import { initAll } from "./govuk-frontend.min.js";
import { initForms } from "./forms.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
initForms();
