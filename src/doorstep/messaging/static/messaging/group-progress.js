// Keeps a group text's progress up to date while it is being prepared or sent: every few
// seconds it asks for the page again and swaps in the new figures, and says so when the status
// changes. A page that reloads itself would send screen readers back to the top and move
// everyone's place; without JavaScript the page's "Refresh the page" link does the same job.
const region = document.getElementById("group-progress");
const news = document.getElementById("group-progress-news");

function status(element) {
  return element.querySelector("#stage")?.textContent.trim();
}

async function update() {
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin" });
  } catch {
    return; // offline: the link still works
  }
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("group-progress");
  if (!fresh) return;
  const before = status(region);
  region.replaceChildren(...document.adoptNode(fresh).childNodes);
  if (status(region) !== before) news.textContent = `Status: ${status(region)}`;
  wait(fresh.dataset.refreshSeconds);
}

function wait(seconds) {
  // Stops once the page no longer asks for updates (everything sent or stopped).
  if (Number(seconds) > 0) window.setTimeout(update, Number(seconds) * 1000);
}

if (region) wait(region.dataset.refreshSeconds);
