"use strict";
// DKFDS components (menus, accordions, error summaries) need their JavaScript
// bound once the page has loaded, and again inside content that htmx swaps in.
// Kept in a file, not inline, so a Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  window.DKFDS.init();
});
document.addEventListener("htmx:load", function (event) {
  // htmx also fires htmx:load for the whole body at start-up, already handled above.
  if (event.target !== document.body) {
    window.DKFDS.init({ scope: event.target });
  }
});
