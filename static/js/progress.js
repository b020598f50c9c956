// A progress page (a report file's, an import's) that follows its work: it reads the status
// endpoint every few seconds; a ready file is downloaded, a finished import shows its page.
// Without script the page refreshes itself (<meta http-equiv="refresh"> inside <noscript>, so
// with script it never reloads the page under someone reading it) and says the same.

const POLL_MS = 2000;

function follow(root) {
  const label = root.querySelector("[data-progress-label]");
  const message = root.querySelector("[data-progress-message]");
  const ready = root.querySelector("[data-progress-ready]");

  async function poll() {
    let response;
    try {
      response = await fetch(root.dataset.progressStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch {
      window.setTimeout(poll, POLL_MS * 2); // a dropped connection: try again a little later
      return;
    }
    let status;
    try {
      if (!response.ok) throw new Error(String(response.status));
      status = await response.json();
    } catch {
      // An answer that is not the status (signed out, the file gone): the page itself says
      // what happened (the sign-in page, or where the work went), so load it again.
      window.location.reload();
      return;
    }
    if (label) label.textContent = status.label;
    if (message) message.textContent = status.message;
    if (status.result) {
      window.location.assign(status.result); // an import: its page shows what was done
      return;
    }
    if (root.dataset.progressState && status.state !== root.dataset.progressState) {
      window.location.reload(); // a new stage: the page lists the steps done
      return;
    }
    if (status.download && ready) {
      const link = ready.querySelector("a");
      link.href = status.download;
      ready.hidden = false;
      window.location.assign(status.download);
      return;
    }
    if (status.finished) {
      window.location.reload(); // failed: the page shows why and how to try again
      return;
    }
    window.setTimeout(poll, POLL_MS);
  }
  window.setTimeout(poll, POLL_MS);
}

for (const root of document.querySelectorAll("[data-progress-status]")) {
  if (root.dataset.progressFinished !== "true") follow(root);
}
