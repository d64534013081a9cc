// The editor's page script (an ES module, so the page runs under
// script-src 'self'). It never judges the text: problems come from the
// build's own checks on the server (/redaktion/api/pruefen).
import "./vendor/markdown-toolbar-element/index.js";

const secret = document.querySelector('meta[name="redaktion-schluessel"]').content;
const form = document.getElementById("fall");

async function send(path, body, contentType = "application/json") {
  const response = await fetch(path, {
    method: "POST",
    headers: {"Content-Type": contentType, "X-Redaktion-Schluessel": secret},
    body: contentType === "application/json" ? JSON.stringify(body) : body,
  });
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = {message: "Die Vorschau antwortet nicht. Läuft „make serve“ noch? Ihr Text steht weiter im Formular."};
  }
  return {ok: response.ok, status: response.status, data};
}

function fail(message) {
  return {ok: false, status: 0, data: {message: message}};
}

async function post(path, body, contentType) {
  try {
    return await send(path, body, contentType);
  } catch (error) {
    return fail("Die Vorschau antwortet nicht. Läuft „make serve“ noch? Ihr Text steht weiter im Formular.");
  }
}

// Veröffentlichen, on every page of the editor.
const publishButton = document.getElementById("veroeffentlichen");
if (publishButton) {
  const steps = document.getElementById("veroeffentlichen-schritte");
  const result = document.getElementById("veroeffentlichen-ergebnis");
  const show = (state) => {
    steps.replaceChildren(...state.steps.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }));
    if (state.done) {
      result.textContent = state.line;
      result.className = state.ok ? "gelungen" : "fehler";
      publishButton.disabled = false;
    }
    return state.done;
  };
  publishButton.addEventListener("click", async () => {
    publishButton.disabled = true;
    result.textContent = "Veröffentlichen läuft …";
    result.className = "";
    const started = await post("/redaktion/api/veroeffentlichen", {});
    if (!started.ok) {
      result.textContent = started.data.message;
      result.className = "fehler";
      publishButton.disabled = false;
      return;
    }
    if (show(started.data)) return;
    const poll = async () => {
      try {
        const response = await fetch("/redaktion/api/veroeffentlichen");
        if (show(await response.json())) return;
      } catch (error) {
        result.textContent = "Die Vorschau antwortet nicht mehr; ob veröffentlicht wurde, steht in ihrem Terminal.";
        publishButton.disabled = false;
        return;
      }
      setTimeout(poll, 400);
    };
    setTimeout(poll, 400);
  });
}

if (form) {
  const status = document.getElementById("meldung");
  const error = document.getElementById("fehler");
  const frame = document.getElementById("vorschau");
  const previewState = document.getElementById("vorschau-stand");
  const tipList = document.getElementById("tipp-liste");
  const photoInput = document.getElementById("foto");
  const photoState = document.getElementById("foto-stand");
  const imageField = document.getElementById("image");
  const altField = document.getElementById("image_alt");
  const removePhoto = document.getElementById("foto-entfernen");
  let upload = null;

  const fields = () => ({
    title: form.title.value,
    fall: form.fall.value,
    date: form.date.value,
    tags: form.tags.value,
    summary: form.summary.value,
    text: form.text.value,
    tips: [...tipList.querySelectorAll(".tipp")].map((tip) => [
      tip.querySelector(".tipp-ueberschrift").value, tip.querySelector(".tipp-text").value]),
    image: imageField.value,
    image_alt: altField.value,
    image_credit: form.image_credit.value,
    status: form.querySelector('input[name="status"]:checked').value,
  });
  const request = () => ({fields: fields(), file: form.dataset.datei || null, version: form.dataset.version,
                          foto: upload});

  // The date in German words beside the field.
  const germanDate = document.getElementById("datum-deutsch");
  const showDate = () => {
    const value = form.date.value;
    const when = value ? new Date(value) : null;
    germanDate.textContent = when && !isNaN(when) ? new Intl.DateTimeFormat("de-DE", {
      weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
    }).format(when) + " Uhr" : "";
  };
  form.date.addEventListener("input", showDate);
  showDate();

  const showProblems = (problems) => {
    for (const box of form.querySelectorAll("[data-probleme]")) {
      const list = problems[box.dataset.probleme] || [];
      box.replaceChildren(...list.map((text) => {
        const line = document.createElement("p");
        line.textContent = text;
        return line;
      }));
    }
  };

  // The preview and the problems follow the form, 250 ms after typing stops
  // (a build of the case takes about 0.1 s more).
  let timer = null;
  let latest = 0;
  const refresh = async () => {
    const asked = ++latest;
    previewState.textContent = "Vorschau wird gebaut …";
    const built = await post("/redaktion/api/vorschau", request());
    if (asked !== latest) return;
    if (built.ok) {
      frame.src = built.data.url;
      previewState.textContent = "Vorschau aktuell.";
    } else {
      previewState.textContent = built.data.message;
    }
    const checked = await post("/redaktion/api/pruefen", request());
    if (asked !== latest) return;
    if (checked.ok) showProblems(checked.data.problems);
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  };
  form.addEventListener("input", soon);
  // The toolbar changes the text through the textarea's own input event.
  refresh();

  // Phone or desktop width: the desktop is 1280 px wide, scaled to the column.
  const stage = document.getElementById("buehne");
  const fit = () => {
    if (frame.classList.contains("desktop")) {
      const scale = Math.min(1, stage.clientWidth / 1280);
      frame.style.transform = `scale(${scale})`;
      frame.style.height = `${stage.clientHeight / scale}px`;
    } else {
      frame.style.transform = "";
      frame.style.height = "";
    }
  };
  for (const button of document.querySelectorAll("[data-breite]")) {
    button.addEventListener("click", () => {
      for (const other of document.querySelectorAll("[data-breite]")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      frame.classList.toggle("telefon", button.dataset.breite === "telefon");
      frame.classList.toggle("desktop", button.dataset.breite === "desktop");
      fit();
    });
  }
  window.addEventListener("resize", fit);
  fit();

  // Tips: add and remove; the labels stay "Tipp: Überschrift" and "Tipp: Text".
  const renumber = () => {
    [...tipList.querySelectorAll(".tipp")].forEach((tip, index) => {
      const n = index + 1;
      tip.querySelector("legend").textContent = `Tipp ${n}`;
      const [headingLabel, textLabel] = tip.querySelectorAll("label");
      tip.querySelector(".tipp-ueberschrift").id = headingLabel.htmlFor = `tipp-ueberschrift-${n}`;
      tip.querySelector(".tipp-text").id = textLabel.htmlFor = `tipp-text-${n}`;
      tip.querySelector(".tipp-entfernen").textContent = `Tipp ${n} entfernen`;
    });
  };
  const addTip = () => {
    const tip = document.createElement("fieldset");
    tip.className = "tipp";
    const legend = document.createElement("legend");
    const make = (tag, className, label) => {
      const paragraph = document.createElement("p");
      paragraph.className = "feld";
      const labelElement = document.createElement("label");
      labelElement.textContent = label;
      const field = document.createElement(tag);
      field.className = className;
      if (tag === "textarea") field.rows = 6;
      else field.autocomplete = "off";
      paragraph.append(labelElement, field);
      return paragraph;
    };
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "tipp-entfernen";
    tip.append(legend, make("input", "tipp-ueberschrift", "Tipp: Überschrift"),
               make("textarea", "tipp-text", "Tipp: Text"), remove);
    tip.querySelector(".tipp-ueberschrift").value = "Der Tipp des »eingebauten« Kunden";
    tipList.append(tip);
    renumber();
    tip.querySelector(".tipp-ueberschrift").focus();
    soon();
  };
  document.getElementById("tipp-hinzufuegen").addEventListener("click", addTip);
  tipList.addEventListener("click", (event) => {
    const button = event.target.closest(".tipp-entfernen");
    if (!button) return;
    button.closest(".tipp").remove();
    renumber();
    document.getElementById("tipp-hinzufuegen").focus();
    soon();
  });

  // The photo: picked or dropped, checked by the server as it arrives.
  const photoChosen = async (file) => {
    if (!file) return;
    photoState.textContent = `„${file.name}“ wird geprüft …`;
    const sent = await post("/redaktion/api/foto", file, "application/octet-stream");
    if (!sent.ok) {
      photoState.textContent = sent.data.message;
      error.textContent = sent.data.message;
      return;
    }
    upload = sent.data.foto;
    error.textContent = "";
    photoState.textContent = `Neues Foto (${sent.data.format}); es wird beim Speichern als content/images/fall-${form.fall.value.padStart(2, "0")}.${sent.data.format.toLowerCase()} abgelegt.`;
    altField.required = true;
    removePhoto.hidden = false;
    soon();
  };
  photoInput.addEventListener("change", () => photoChosen(photoInput.files[0]));
  const dropZone = document.getElementById("ablage");
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("ueber");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("ueber"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("ueber");
    photoChosen(event.dataTransfer.files[0]);
  });
  removePhoto.addEventListener("click", () => {
    upload = null;
    imageField.value = "";
    photoInput.value = "";
    altField.required = false;
    photoState.textContent = "Kein Foto (die Datei in content/images/ bleibt).";
    removePhoto.hidden = true;
    photoInput.focus();
    soon();
  });

  // Saving: whatever happens, the form keeps what she typed.
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Wird gespeichert …";
    error.textContent = "";
    const saved = await post("/redaktion/api/speichern", request());
    if (!saved.ok) {
      status.textContent = "";
      error.textContent = saved.data.message;
      return;
    }
    const first = !form.dataset.datei;
    form.dataset.datei = saved.data.file;
    form.dataset.version = saved.data.version;
    imageField.value = saved.data.fields.image;
    if (upload) {
      upload = null;
      photoState.textContent = `Jetzt: ${saved.data.fields.image}`;
    }
    status.textContent = saved.data.message;
    if (first) history.replaceState(null, "", `/redaktion/fall/${encodeURIComponent(saved.data.file)}`);
    refresh();
  });
}
