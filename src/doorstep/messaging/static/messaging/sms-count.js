// Live count of characters and texts as someone types a message. The server does the counting
// (messaging/sms.py, the same rules as sending), so this page can never disagree with what is
// sent. Without JavaScript the Preview and Continue buttons show the same count.
const PAUSE_MS = 300;

function watch(box) {
  const form = box.form;
  const count = document.getElementById(box.dataset.smsCountTarget);
  const previewBox = box.dataset.smsPreviewBox && document.getElementById(box.dataset.smsPreviewBox);
  const preview = box.dataset.smsPreviewTarget && document.getElementById(box.dataset.smsPreviewTarget);
  let timer = null;
  let asked = 0;

  async function update() {
    const mine = ++asked;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append("text", box.value);
    if (box.dataset.smsResident) {
      body.append("resident", box.dataset.smsResident);
      const number = form.querySelector("input[name=number]:checked, input[type=hidden][name=number]");
      if (number) body.append("number", number.value);
    }
    let result;
    try {
      const response = await fetch(box.dataset.smsCountUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
      });
      if (!response.ok) return;
      result = await response.json();
    } catch {
      return; // a help, not a need: the server checks everything again when the form is sent
    }
    if (mine !== asked) return; // a newer count is on its way
    count.textContent = result.error ? `${result.summary}. ${result.error}` : result.summary;
    if (preview && typeof result.preview === "string") {
      preview.textContent = result.preview;
      if (previewBox) previewBox.hidden = result.preview === "";
    }
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, PAUSE_MS);
  });
}

document.querySelectorAll("textarea[data-sms-count-url]").forEach(watch);
