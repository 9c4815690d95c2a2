// iPadOS 13+ Safari reports a Mac in its User-Agent, so the server put the
// desktop steps first; a Mac with a touch screen is an iPad, so move the
// iOS steps up (Start9Labs/start-technologies PR #3240 checks the same).
"use strict";
(function () {
  const steps = document.getElementById("steps");
  const ios = document.getElementById("steps-ios");
  if (steps && ios && /Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1) {
    steps.prepend(ios);
    steps.dataset.first = "ios";
  }
})();
