// Calls to the clause server. Every call resolves to the parsed body or
// throws an ApiError carrying the RFC 9457 problem the server answered with.

export class ApiError extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `the server answered ${status}`);
    this.problem = problem;
    this.status = status;
  }
}

async function answer(res) {
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    let problem = { title: `${res.status} ${res.statusText}` };
    if (type.includes("json")) {
      try {
        problem = await res.json();
      } catch {
        /* keep the status line */
      }
    } else {
      const text = await res.text();
      if (text) problem.detail = text;
    }
    throw new ApiError(problem, res.status);
  }
  if (type.includes("json")) return res.json();
  return res.text();
}

export async function post(path, body, signal) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/html" },
    body: JSON.stringify(body),
    signal,
  });
  return answer(res);
}

export async function get(path) {
  return answer(await fetch(path, { headers: { accept: "application/json" } }));
}
