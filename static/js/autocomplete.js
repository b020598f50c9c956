// Suggestions as you type, for the register's deliverable and lead-officer filters.
//
// Without script each is a plain text box the register reads as words (reports.choices). With
// it, the box becomes a combobox (WAI-ARIA 1.2, the pattern of GOV.UK's accessible-autocomplete):
// a listbox of at most ten matches from a small JSON endpoint, moved through with the arrow
// keys (aria-activedescendant; focus stays in the box), Enter or a click to choose, Escape to
// close, and the number of results announced in a polite live region. Choosing one sends its
// id, as the register's links always have; typing and not choosing sends the words.

const DELAY_MS = 200;
let counter = 0;

function enhance(wrapper) {
  const input = wrapper.querySelector("input[type=text]");
  const source = wrapper.dataset.source;
  if (!input || !source || !window.fetch) return;
  const noun = wrapper.dataset.noun || "result";
  const id = input.id || `app-autocomplete-${++counter}`;

  // The value sent: a chosen one's id, or what was typed.
  const hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = input.name;
  hidden.value = input.dataset.value || input.value;
  input.removeAttribute("name");
  input.after(hidden);

  const menu = document.createElement("ul");
  menu.id = `${id}-listbox`;
  menu.className = "app-autocomplete__menu";
  menu.setAttribute("role", "listbox");
  menu.setAttribute("aria-label", `Suggested ${noun}s`);
  menu.hidden = true;
  hidden.after(menu);

  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  menu.after(status);

  const usage = document.createElement("span");
  usage.id = `${id}-usage`;
  usage.className = "govuk-visually-hidden";
  usage.textContent = "When suggestions appear, use up and down arrows to review and enter to choose.";
  status.after(usage);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", menu.id);
  input.setAttribute(
    "aria-describedby",
    `${input.getAttribute("aria-describedby") || ""} ${usage.id}`.trim(),
  );

  let options = [];
  let active = -1;
  let timer = null;
  let request = null;

  const close = () => {
    menu.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    const items = menu.querySelectorAll("[role=option]");
    items.forEach((item, n) => {
      const on = n === index;
      item.classList.toggle("app-autocomplete__option--active", on);
      item.setAttribute("aria-selected", on ? "true" : "false");
    });
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const choose = (index) => {
    const option = options[index];
    if (!option) return;
    input.value = option.label;
    hidden.value = option.value;
    close();
    status.textContent = `${option.label} chosen.`;
  };

  const show = (results, more) => {
    options = results;
    menu.replaceChildren();
    results.forEach((option, index) => {
      const item = document.createElement("li");
      item.id = `${id}-option-${index}`;
      item.className = "app-autocomplete__option";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.setAttribute("aria-posinset", String(index + 1));
      item.setAttribute("aria-setsize", String(results.length));
      item.textContent = option.label;
      // mousedown, not click: the box keeps focus, so the menu is not closed by its blur first.
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(index);
      });
      menu.append(item);
    });
    if (!results.length) {
      const item = document.createElement("li");
      item.className = "app-autocomplete__option app-autocomplete__option--note";
      item.textContent = `No ${noun} matches. Check the spelling, or try fewer words.`;
      menu.append(item);
    }
    menu.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
    const count = results.length;
    status.textContent = count
      ? `${count}${more ? " or more" : ""} ${count === 1 && !more ? "result is" : "results are"} available.` +
        (more ? " Keep typing to narrow them." : "")
      : "No search results.";
  };

  const lookup = () => {
    const words = input.value.trim();
    if (!words) {
      close();
      status.textContent = "";
      return;
    }
    if (request) request.abort();
    request = new AbortController();
    const url = `${source}&q=${encodeURIComponent(words)}`;
    fetch(url, { credentials: "same-origin", signal: request.signal, headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (input.value.trim() === words && document.activeElement === input) {
          show(data.results || [], Boolean(data.more));
        }
      })
      .catch(() => {
        // No suggestions (offline, signed out): the box still filters by the words typed.
      });
  };

  input.addEventListener("input", () => {
    hidden.value = input.value; // words until one is chosen
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    const open = !menu.hidden && options.length > 0;
    if (event.key === "ArrowDown") {
      if (menu.hidden) {
        lookup();
      } else if (open) {
        highlight(Math.min(active + 1, options.length - 1));
      }
      event.preventDefault();
    } else if (event.key === "ArrowUp" && open) {
      highlight(active <= 0 ? -1 : active - 1);
      event.preventDefault();
    } else if (event.key === "Enter" && open && active >= 0) {
      choose(active); // chosen, not submitted: a second Enter applies the filters
      event.preventDefault();
    } else if (event.key === "Escape" && !menu.hidden) {
      close();
      event.preventDefault();
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", close);
}

export function initAutocomplete() {
  for (const wrapper of document.querySelectorAll('[data-module="app-autocomplete"]')) {
    enhance(wrapper);
  }
}
