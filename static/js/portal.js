/* The portal's own script, loaded by base.html (no inline scripts: the Content-Security-Policy
   forbids them). */
"use strict";

/* Stacked tables: on a phone each row of a `.portal-table-stack` table is a card and each cell
   shows its column's label (portal.css). The label is read from the column's header, so a
   template writes it once; a header with its own data-label gives that one instead (an empty
   data-label: the values of that column speak for themselves). */
document.querySelectorAll("table.portal-table-stack").forEach((table) => {
  const headers = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
  const labels = headers.map((header) =>
    header.hasAttribute("data-label")
      ? header.dataset.label
      : header.textContent.trim().replace(/\s+/g, " "),
  );
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        if (cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
          cell.dataset.label = labels[column];
        }
        column += cell.colSpan;
      }
    }
  }
});
