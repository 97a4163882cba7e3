// Shows how much of an upload has gone, on slow connections. Without JavaScript the form posts
// as usual; with it the same POST goes by XMLHttpRequest so its progress can be shown.
for (const form of document.querySelectorAll("form[data-upload-progress]")) {
  form.addEventListener("submit", (event) => {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    const box = form.querySelector(".doorstep-evidence-progress");
    const bar = box.querySelector("progress");
    const words = box.querySelector("[aria-live]");
    const button = form.querySelector("button[type=submit]");
    box.hidden = false;
    button.disabled = true;
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.round((progress.loaded / progress.total) * 100);
      bar.value = percent;
      words.textContent = `Sending: ${percent}%`;
    });
    request.setRequestHeader("X-Upload-Progress", "1");
    request.addEventListener("load", () => {
      // The server kept the outcome for the list page: show it, at this document.
      const section = form.closest("section");
      if (section) history.replaceState(null, "", `#${section.id}`);
      window.location.reload();
    });
    request.addEventListener("error", () => {
      words.textContent = "The upload stopped. Check your connection and try again.";
      button.disabled = false;
    });
    request.send(new FormData(form));
  });
}
