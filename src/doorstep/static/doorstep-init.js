import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// Radios that reveal a follow-up question (data-doorstep-controls="<id of the
// govuk-radios__conditional block>"). GOV.UK Frontend's own reveal also marks each radio
// aria-expanded, which ARIA does not allow on a radio: screen readers may ignore or misread it
// and axe-core reports it. This shows and hides the same block with aria-controls alone; the
// block follows its radio, so it is read next. Without JavaScript every block is shown.
function syncReveals(name, form) {
  for (const radio of document.querySelectorAll("input[type=radio][aria-controls]")) {
    const block = document.getElementById(radio.getAttribute("aria-controls"));
    if (radio.name === name && radio.form === form && block?.classList.contains("govuk-radios__conditional")) {
      block.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
    }
  }
}

const revealing = document.querySelectorAll("input[type=radio][data-doorstep-controls]");
for (const radio of revealing) {
  radio.setAttribute("aria-controls", radio.dataset.doorstepControls);
  radio.removeAttribute("data-doorstep-controls");
}
const syncAll = () => revealing.forEach((radio) => syncReveals(radio.name, radio.form));
syncAll();
// Going back to the page can restore a different choice from the browser's cache.
window.addEventListener("pageshow", syncAll);
document.addEventListener("change", (event) => {
  const radio = event.target;
  if (radio instanceof HTMLInputElement && radio.type === "radio") syncReveals(radio.name, radio.form);
});
