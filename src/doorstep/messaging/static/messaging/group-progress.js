// Keeps a group text's status and figures up to date while it is being prepared or sent:
// every few seconds it asks for them again (the page with ?part=progress), swaps them in, and
// says so when the status changes. A page that reloads itself would send screen readers back to
// the top and lose everyone's place; without JavaScript the "Refresh the page" link does the job.
const region = document.getElementById("group-progress");
const news = document.getElementById("group-progress-news");

function status(element) {
  return element.querySelector("#stage")?.textContent.trim();
}

async function update() {
  const url = new URL(window.location.href);
  url.searchParams.set("part", "progress"); // the status and figures only
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch {
    return; // offline: the link still works
  }
  if (!response.ok) return;
  const part = document.createElement("template");
  part.innerHTML = await response.text();
  const fresh = part.content.getElementById("group-progress");
  if (!fresh) return;
  const before = status(region);
  region.replaceChildren(...fresh.childNodes);
  if (status(region) !== before) news.textContent = `Status: ${status(region)}`;
  wait(fresh.dataset.refreshSeconds);
}

function wait(seconds) {
  // Stops once the page no longer asks for updates (everything sent or stopped).
  if (Number(seconds) > 0) window.setTimeout(update, Number(seconds) * 1000);
}

if (region) wait(region.dataset.refreshSeconds);
