"use strict";
// DKFDS components (menus, accordions, error summaries) need their JavaScript
// bound once the page has loaded, and again inside content that htmx swaps in.
// Kept in a file, not inline, so a Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  window.DKFDS.init();
});

// DKFDS.init binds the page's main menu whatever scope it is given: each call
// appends another "Mere" (more) item to the menu, which then shows beside the
// first one. The main menu is never inside swapped content and is bound once
// at load, so a scoped init leaves it alone.
function initWithin(scope) {
  var navigation = window.DKFDS.Navigation.prototype;
  var initNavigation = navigation.init;
  navigation.init = function () {};
  try {
    window.DKFDS.init({ scope: scope });
  } finally {
    navigation.init = initNavigation;
  }
}

document.addEventListener("htmx:load", function (event) {
  // htmx also fires htmx:load for the whole body at start-up, already handled above.
  if (event.target !== document.body) {
    initWithin(event.target);
  }
});
