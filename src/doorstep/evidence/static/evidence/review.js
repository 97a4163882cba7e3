// Zoom and rotate for document images. Without this script the image still fits the page and
// "Open full size" shows it at its own size.
const STEPS = [1, 1.5, 2, 3, 4];

for (const viewer of document.querySelectorAll("[data-evidence-viewer]")) {
  const image = viewer.querySelector("img");
  if (!image) continue;
  let step = 0;
  let turn = 0;

  const apply = () => {
    const scale = STEPS[step];
    viewer.classList.toggle("evidence-viewer--zoomed", scale > 1);
    image.style.width = scale > 1 ? `${Math.round(viewer.clientWidth * scale)}px` : "";
    image.style.transform = turn ? `rotate(${turn}deg)` : "";
  };

  const button = (label, action) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "govuk-button govuk-button--secondary govuk-!-margin-right-2 govuk-!-margin-bottom-0";
    element.textContent = label;
    element.addEventListener("click", () => {
      action();
      apply();
    });
    return element;
  };

  const tools = document.createElement("div");
  tools.className = "evidence-tools";
  tools.append(
    button("Zoom in", () => { step = Math.min(step + 1, STEPS.length - 1); }),
    button("Zoom out", () => { step = Math.max(step - 1, 0); }),
    button("Rotate", () => { turn = (turn + 90) % 360; }),
  );
  viewer.before(tools);
}
