// A small client of the app's HTTP API: the page's token goes in the Authorization header.
const body = document.body;
const base = "/api/v1/events/" + encodeURIComponent(body.dataset.slug);

// Call the API; resolves with the JSON reply, rejects with an Error carrying the server's message and details.
export async function call(method, path, payload) {
  const response = await fetch(base + path, {
    method: method,
    headers: Object.assign({ "Authorization": "Bearer " + body.dataset.token },
      payload === undefined ? {} : { "Content-Type": "application/json" }),
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const data = await response.json().catch(function () { return {}; });
  if (!response.ok) {
    const error = new Error(data.error || ("HTTP " + response.status));
    error.details = data.details || [];
    error.status = response.status;
    throw error;
  }
  return data;
}

// Show a message in a role="status" element, as a success or as an error.
export function say(element, text, isError) {
  element.textContent = text;
  element.classList.toggle("is-error", Boolean(isError));
}
