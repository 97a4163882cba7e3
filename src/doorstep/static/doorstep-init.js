import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// Radios that reveal a follow-up question: data-doorstep-controls="<id of the
// govuk-radios__conditional block>", in a govuk-radios group without data-module. GOV.UK
// Frontend's own reveal (data-module="govuk-radios") also marks each radio aria-expanded,
// which ARIA does not allow on a radio: screen readers may ignore or misread it and axe-core
// reports it. This shows and hides the same block with aria-controls alone; the block follows
// its radio, so it is read next. Without JavaScript every block is shown.
const revealing = [...document.querySelectorAll("input[type=radio][data-doorstep-controls]")];

function syncReveals(name, form) {
  for (const radio of revealing) {
    const block = document.getElementById(radio.dataset.doorstepControls);
    if (radio.name === name && radio.form === form && block) {
      block.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
    }
  }
}

for (const radio of revealing) radio.setAttribute("aria-controls", radio.dataset.doorstepControls);
const syncAll = () => revealing.forEach((radio) => syncReveals(radio.name, radio.form));
syncAll();
// Going back to the page can restore a different choice from the browser's cache.
window.addEventListener("pageshow", syncAll);
document.addEventListener("change", (event) => {
  const radio = event.target;
  if (radio instanceof HTMLInputElement && radio.type === "radio") syncReveals(radio.name, radio.form);
});
