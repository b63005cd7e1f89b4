// The portal's only script of its own: an ES module, loaded with
//   <script type="module" src="/static/build/js/portal.js"></script>
//
// Everything here is an enhancement. The portal works fully without it: every
// control is a real link or form, and the server renders whole pages.
//
// It does seven things:
//   1. starts GOV.UK Frontend's components (and again on content htmx swaps in);
//   2. adds the CSRF token to every htmx request;
//   3. after a swap, moves focus to [data-portal-focus] or an error summary; if
//      the swap replaced the element the person was on (a page link, "Show
//      older entries"), to [data-portal-refocus] or the new content's start;
//   4. after a swap, announces [data-portal-announce] text in the live region;
//   5. shows upload progress in forms marked [data-portal-upload-progress];
//   6. shows the portal's error page in the main content when an htmx request
//      fails (htmx would otherwise drop it, and nothing would happen);
//   7. runs passkey (WebAuthn) forms marked [data-portal-passkey], shown only
//      where the browser supports passkeys.
//
// It never uses eval, inline handlers or inline styles (strict CSP).

import { initAll } from "./govuk-frontend.min.js";

const LIVE_REGION_ID = "portal-live-region";

// GOV.UK Frontend only starts when <body> has this class. Its template adds it
// with an inline script, which our Content-Security-Policy forbids, so add it
// here: a browser that runs ES modules supports GOV.UK Frontend.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

/**
 * Start GOV.UK Frontend components inside `scope`.
 *
 * Components that already started throw InitError if started again; that is
 * expected when the scope holds old content too, so those errors are dropped.
 */
function startGovukComponents(scope) {
  initAll({
    scope,
    onError(error) {
      if (error && error.name === "InitError") {
        return;
      }
      console.error(error);
    },
  });
}

startGovukComponents(document);

// --- 2. CSRF token on every htmx request -----------------------------------

document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// --- 3 and 4. After a swap: start components, move focus, announce ----------

/**
 * The first element matching `selector` in newly swapped content.
 *
 * Descendants come first: with an innerHTML swap the settled element is the
 * old container and only its children are new. With an outerHTML swap the
 * settled element is new itself, so it is checked last.
 */
function findInSwapped(settled, selector) {
  return settled.querySelector(selector) || (settled.matches(selector) ? settled : null);
}

/** Whether keyboard focus is nowhere: on the body, as after its element was removed. */
function focusIsLost() {
  const active = document.activeElement;
  return !active || active === document.body || active === document.documentElement;
}

/** Move keyboard focus to `element`, making it focusable if it is not. */
function moveFocus(element) {
  if (!element.hasAttribute("tabindex") && element.tabIndex < 0) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus();
}

let announceTimer = null;

/**
 * Put `message` in the polite live region so screen readers read it.
 *
 * The region is emptied first and filled a moment later: screen readers only
 * speak a change, so the same message twice in a row would otherwise be
 * silent. `onlyIfChanged` skips repeats (used for polling fragments).
 */
function announce(message, { onlyIfChanged = false } = {}) {
  const region = document.getElementById(LIVE_REGION_ID);
  if (!region || !message) {
    return;
  }
  if (onlyIfChanged && region.textContent === message) {
    return;
  }
  window.clearTimeout(announceTimer);
  region.textContent = "";
  announceTimer = window.setTimeout(() => {
    region.textContent = message;
  }, 100);
}

/**
 * Whether the request behind this swap came from the person (a click, a
 * key, a form submit) rather than from polling or a `load` trigger. Only
 * their own actions may move their focus.
 */
function startedByPerson(detail) {
  const trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
  return Boolean(trigger && trigger.isTrusted);
}

document.addEventListener("htmx:afterSettle", (event) => {
  const settled = event.target;
  if (!(settled instanceof Element) || !settled.isConnected) {
    return;
  }

  // Search from the parent too: with an outerHTML swap the settled element
  // can itself be a GOV.UK component root, and initAll looks only below scope.
  startGovukComponents(settled.parentElement || settled);

  const person = startedByPerson(event.detail);

  let focusTarget =
    findInSwapped(settled, "[data-portal-focus]") ||
    findInSwapped(settled, ".govuk-error-summary");
  // The element the person used was swapped out, so focus fell back to the
  // top of the page: continue from the new content instead. (Focus that is
  // still somewhere, such as the search box of a live filter, stays put.)
  if (!focusTarget && person && focusIsLost()) {
    focusTarget =
      findInSwapped(settled, "[data-portal-refocus]") ||
      findInSwapped(settled, "h1, h2, h3, h4") ||
      settled;
  }
  if (focusTarget && person) {
    moveFocus(focusTarget);
  }

  const announcer = findInSwapped(settled, "[data-portal-announce]");
  if (announcer) {
    announce(announcer.getAttribute("data-portal-announce"), {
      onlyIfChanged: !person,
    });
  }
});

// --- 5. Upload progress ------------------------------------------------------

/** The <progress> of the upload form around `element`, or null. */
function progressFor(element) {
  if (!(element instanceof Element)) {
    return null;
  }
  const form = element.closest("form[data-portal-upload-progress]");
  return form ? form.querySelector("progress") : null;
}

// htmx also fires htmx:xhr:progress for the download of the answer, with the
// same event name, so listen to the upload side of the request directly.
document.addEventListener("htmx:beforeSend", (event) => {
  const progress = progressFor(event.target);
  const xhr = event.detail.xhr;
  if (!progress || !xhr || !xhr.upload) {
    return;
  }
  progress.max = 100;
  progress.value = 0;
  progress.textContent = "0%";
  progress.hidden = false;

  xhr.upload.addEventListener("progress", (upload) => {
    if (!upload.lengthComputable || upload.total === 0) {
      return;
    }
    const percent = Math.floor((upload.loaded / upload.total) * 100);
    progress.value = percent;
    progress.textContent = `${percent}%`;
  });
});

// When the request has finished (or failed), hide the bar again: the server's
// answer says what happened, and a full bar left behind would mislead.
document.addEventListener("htmx:afterRequest", (event) => {
  const progress = progressFor(event.target);
  if (progress) {
    progress.hidden = true;
  }
});

// --- 6. Error pages for htmx requests -----------------------------------------

// htmx drops answers with an error status (4xx, 5xx), so a failed request
// would look like nothing happened. The portal's error page (a GOV.UK page
// with a way back; see templates/errors/fragment.html) is put in the main
// content instead, as it would be without JavaScript, where it takes focus
// and is announced like any other swap.
const ERROR_BODY = "[data-portal-focus][data-portal-announce]";

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const xhr = detail.xhr;
  const main = document.getElementById("main-content");
  if (!xhr || xhr.status < 400 || detail.shouldSwap || !main) {
    return;
  }
  // DOMParser never runs scripts; it only tells whether this is our page.
  const answer = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  if (!answer.body.querySelector(ERROR_BODY)) {
    return;
  }
  detail.shouldSwap = true;
  detail.isError = false; // handled: not an error to log in the console
  detail.target = main;
  detail.swapOverride = "innerHTML";
  detail.selectOverride = ERROR_BODY;
});

// --- 7. Passkeys (WebAuthn) ----------------------------------------------------

// A form marked data-portal-passkey="create" (add a passkey) or "get" (use one)
// is hidden until we know the browser can do it. On submit: ask the server for
// options (a challenge kept in the session), let the browser make or use the
// passkey, put its answer in the form's hidden "credential" field, and post the
// form as usual. The server checks everything; this only carries bytes.

/** base64url (no padding) to bytes. */
function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "===".slice((base64.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes.buffer;
}

/** Bytes (an ArrayBuffer) to base64url without padding. */
function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 1) {
    binary += String.fromCharCode(bytes[i]);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function withBinaryIds(list) {
  return (list || []).map((item) => ({ ...item, id: fromBase64url(item.id) }));
}

/** The server's JSON options as the browser's API wants them. */
function publicKeyOptions(kind, options) {
  const publicKey = { ...options, challenge: fromBase64url(options.challenge) };
  if (kind === "create") {
    publicKey.user = { ...options.user, id: fromBase64url(options.user.id) };
    publicKey.excludeCredentials = withBinaryIds(options.excludeCredentials);
  } else {
    publicKey.allowCredentials = withBinaryIds(options.allowCredentials);
  }
  return publicKey;
}

/** The browser's credential as JSON the server can read. */
function credentialJson(credential) {
  const response = credential.response;
  const answer = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    answer.response.attestationObject = toBase64url(response.attestationObject);
    answer.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    answer.response.authenticatorData = toBase64url(response.authenticatorData);
    answer.response.signature = toBase64url(response.signature);
    answer.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
  }
  return JSON.stringify(answer);
}

async function runPasskeyForm(form) {
  const kind = form.dataset.portalPasskey;
  const token = form.querySelector('input[name="csrf_token"]');
  const answer = await fetch(form.dataset.portalPasskeyOptions, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
  });
  if (!answer.ok) {
    throw new Error(`passkey options: ${answer.status}`);
  }
  const publicKey = publicKeyOptions(kind, await answer.json());
  const credential =
    kind === "create"
      ? await navigator.credentials.create({ publicKey })
      : await navigator.credentials.get({ publicKey });
  const field = form.dataset.portalPasskeyField || "credential";
  form.querySelector(`input[name="${field}"]`).value = credentialJson(credential);
  form.submit();
}

function startPasskeyForms() {
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }
  document.querySelectorAll("[data-portal-passkey-fallback]").forEach((note) => {
    note.hidden = true;
  });
  document.querySelectorAll("form[data-portal-passkey]").forEach((form) => {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      const name = form.querySelector('input[name="name"]');
      if (name && !name.value.trim()) {
        return; // let the server say a name is needed
      }
      event.preventDefault();
      const error = form.querySelector("[data-portal-passkey-error]");
      if (error) {
        error.hidden = true;
      }
      runPasskeyForm(form).catch((problem) => {
        console.error(problem);
        if (error) {
          error.hidden = false;
        }
      });
    });
  });
}

startPasskeyForms();
