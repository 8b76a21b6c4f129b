/* The progress bar of an import job (members/import_job.html): asks the job's status every
   second and moves the bar; when the work is done, loads the page again, which then shows the
   preview or the result. A file of its own, not an inline script (the CSP forbids those). */
"use strict";

(() => {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("[data-progress-bar]");
  const meter = box.querySelector("[role=progressbar]");
  const done = box.querySelector("[data-progress-done]");
  const total = box.querySelector("[data-progress-total]");
  const status = document.getElementById("import-status");
  const show = (rowsDone, rowsTotal) => {
    const percent = rowsTotal ? Math.min(100, Math.round((100 * rowsDone) / rowsTotal)) : 0;
    bar.style.width = `${percent}%`;
    meter.setAttribute("aria-valuenow", String(rowsDone));
    meter.setAttribute("aria-valuemax", String(rowsTotal));
    done.textContent = rowsDone.toLocaleString();
    total.textContent = rowsTotal.toLocaleString();
  };
  show(Number(meter.getAttribute("aria-valuenow")), Number(meter.getAttribute("aria-valuemax")));

  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const job = await response.json();
      if (!job.running) {
        window.location.reload();
        return;
      }
      show(job.done, job.total);
      status.textContent = job.label;
    } catch (error) {
      /* A missed answer is asked again at the next tick. */
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
})();
