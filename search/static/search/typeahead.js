// Type-ahead for a search box: as someone types, names from the suggest API fill the box's <datalist>,
// which the browser offers under the box. Progressive enhancement: without this script the box is a
// plain search box, and the form works the same.
//
// Markup: <input data-suggest-url="/api/v1/search/suggest/" data-suggest-list="ID"> and <datalist id="ID">.

const DELAY_MS = 250; // wait for a pause in typing before asking
const MIN_LENGTH = 2;

function enhance(input) {
  const list = document.getElementById(input.dataset.suggestList);
  if (!list) return;
  input.setAttribute("list", list.id);

  let timer = null;
  let controller = null;
  let asked = "";

  const show = (names) => {
    list.replaceChildren(
      ...names.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        return option;
      }),
    );
  };

  const ask = async () => {
    const text = input.value.trim();
    if (text === asked) return;
    asked = text;
    controller?.abort();
    if (text.length < MIN_LENGTH) {
      show([]);
      return;
    }
    controller = new AbortController();
    const url = new URL(input.dataset.suggestUrl, window.location.href);
    url.searchParams.set("q", text);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal });
      if (!response.ok) return;
      const names = await response.json();
      if (Array.isArray(names) && input.value.trim() === text) show(names.filter((name) => name !== text));
    } catch {
      // Aborted by newer typing, or offline: suggestions are a nicety, the search still works.
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY_MS);
  });
  // Leaving the page: no request should start on the way out.
  input.form?.addEventListener("submit", () => clearTimeout(timer));
}

document.querySelectorAll("input[data-suggest-url][data-suggest-list]").forEach(enhance);
