// "In thẻ": print the card (no inline script: the pages' CSP allows scripts from the platform only).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
